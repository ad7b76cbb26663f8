"""What elections announce to the apps built on them, so that committees never imports
them (the dependency direction is estates ← committees ← disclosures ← cms).

A candidate's withdrawal is announced twice, inside its one transaction:

- :data:`candidate_withdrawal_requested` from the withdraw transition's guard, with the
  candidate's row locked, its state, the actor's permission and jurisdiction and the
  reason already checked, and before anything is written. A receiver refuses the
  withdrawal by raising ``ValidationError`` with a clear message; nothing is saved.
- :data:`candidate_withdrawn` from :func:`committees.elections.services.elections.candidate_withdraw`
  once the candidate is withdrawn and audited. A receiver brings its own records in step
  (the owners' vote drops the candidate from a draft ballot); an exception there rolls the
  whole withdrawal back.

Both are sent with ``sender=Candidate`` and ``candidate``; the second adds ``actor`` and
``reason``.

An election's cancellation is announced from the cancel transition's guard, the same way:
:data:`election_cancel_requested`, with ``sender=Election`` and ``election``; a receiver
refuses it by raising ``ValidationError`` (the owners' vote does while its vote on the
election is being organised or under way).
"""

from django.dispatch import Signal

candidate_withdrawal_requested = Signal()
candidate_withdrawn = Signal()
election_cancel_requested = Signal()
