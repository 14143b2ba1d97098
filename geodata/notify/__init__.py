"""Notifications (issue #19 part 1): who is told what when a case moves (rules.py), the in-app
inbox (inbox.py), the outbox of e-mails and group-robot messages (outbox.py) sent over the channels
(channels.py) by a worker (worker.py); their values in model.py."""
