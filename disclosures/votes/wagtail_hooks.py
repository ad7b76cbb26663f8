"""Registration only: the vote workflow's audit actions."""

from wagtail import hooks

from .workflows import WORKFLOWS


@hooks.register("register_log_actions")
def register_vote_log_actions(actions):
    for workflow in WORKFLOWS:
        for action, label, message in workflow.log_actions():
            actions.register_action(action, label, message)
