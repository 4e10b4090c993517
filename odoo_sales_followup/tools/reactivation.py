"""Reactivation rules, as pure functions (no environment, no database)."""

#: Assignment rules of the reactivation scan (company setting).
ASSIGNMENT_RULES = ("salesperson", "round_robin", "least_open")

#: Company settings of the reactivation scan, when empty.
DEFAULT_ASSIGNMENT_RULE = "salesperson"
DEFAULT_MIN_PURCHASES = 2
DEFAULT_WEEKLY_CAPACITY = 25

#: Probability (%) a reactivation opportunity starts at, when its team sets none.
DEFAULT_PROBABILITY = 10.0

#: Largest accepted settings.
MAX_MIN_PURCHASES = 1000
MAX_WEEKLY_CAPACITY = 1000


def reactivation_priority(expected_revenue, average_order, days_since_last, interval_days):
    """The priority ('0' to '3') of a reactivation opportunity.

    It grows with the customer's value (one step when their average order is at
    least the company's average) and with lateness (one step from twice the usual
    interval without a purchase, two steps from four times).
    """
    value = 1 if average_order and expected_revenue >= average_order else 0
    lateness_ratio = days_since_last / interval_days if interval_days else 0
    lateness = 2 if lateness_ratio >= 4 else 1 if lateness_ratio >= 2 else 0
    return str(min(3, value + lateness))


class ReactivationAssigner:
    """Hands customers to the members of the reactivation team, one run at a time.

    :param members: user ids of the active team members, in the team's order
    :param rule: one of ``ASSIGNMENT_RULES``
    :param capacity: opportunities a member takes per week (0: no limit)
    :param week_counts: {user id: reactivation opportunities received this week}
    :param open_counts: {user id: open reactivation opportunities}
    :param last_user: the member who received the latest one (round-robin goes on after them)
    """

    def __init__(self, members, rule, capacity, week_counts, open_counts, last_user=None):
        if rule not in ASSIGNMENT_RULES:
            raise ValueError(f"unknown assignment rule {rule!r}")
        self.members = list(members)
        self.rule = rule
        self.capacity = capacity
        self.week_counts = {user: week_counts.get(user, 0) for user in self.members}
        self.open_counts = {user: open_counts.get(user, 0) for user in self.members}
        self.next_index = self.members.index(last_user) + 1 if last_user in self.members else 0

    def has_room(self, user):
        return not self.capacity or self.week_counts[user] < self.capacity

    @property
    def full(self):
        """No member can take another opportunity this week."""
        return not any(self.has_room(user) for user in self.members)

    def assign(self, salesperson=None):
        """The member who takes the next customer (None when everybody is full).

        :param salesperson: the customer's own salesperson, kept by the
            ``salesperson`` rule when they are a member with room left
        """
        user = None
        if self.rule == "salesperson" and salesperson in self.week_counts and self.has_room(salesperson):
            user = salesperson
        elif self.rule == "round_robin":
            for step in range(len(self.members)):
                candidate = self.members[(self.next_index + step) % len(self.members)]
                if self.has_room(candidate):
                    user = candidate
                    self.next_index = (self.next_index + step + 1) % len(self.members)
                    break
        else:  # least open opportunities, also the fallback of the salesperson rule
            with_room = [member for member in self.members if self.has_room(member)]
            if with_room:
                user = min(with_room, key=lambda member: (self.open_counts[member], self.members.index(member)))
        if user is not None:
            self.week_counts[user] += 1
            self.open_counts[user] += 1
        return user
