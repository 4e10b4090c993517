def post_init_hook(env):
    """Compute every partner's relationship level from the existing history, and write
    the companies' reactivation teams into the record rule of reactivation opportunities."""
    partners = env["res.partner"]
    # Documents created while installing (demo data) moved their customers already.
    partners._apply_pending_level_updates()
    partners._rebuild_relationship_levels(event="initial")
    env["res.company"]._update_reactivation_rule()
