"""Registration only: the vote workflow's audit actions."""

from wagtail import hooks

from .services import LOG_ACTIONS


@hooks.register("register_log_actions")
def register_vote_log_actions(actions):
    for action, label in LOG_ACTIONS:
        actions.register_action(action, label, label)
