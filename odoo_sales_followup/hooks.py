def post_init_hook(env):
    """Compute every partner's relationship level from the existing history."""
    env["res.partner"]._rebuild_relationship_levels(event="initial")
