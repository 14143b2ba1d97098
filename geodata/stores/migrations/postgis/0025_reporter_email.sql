-- The reporter's e-mail (issue #19 part 1): a resident who leaves an address and agrees is sent
-- each public step of their report by e-mail. The address is private (staff never list it, the
-- public never sees it) and is cleared when they stop the e-mails. A notification may now be for a
-- report (its reporter) as well as a unit or a person, and carries the page it is about (``link``,
-- a path of the portal) for the e-mail and robot texts.
ALTER TABLE public_report ADD COLUMN notify_email text NOT NULL DEFAULT '';
CREATE INDEX public_report_following ON public_report (incident_id) WHERE notify_email <> '';

ALTER TABLE notification ADD COLUMN recipient_report_id bigint REFERENCES public_report (id);
ALTER TABLE notification ADD COLUMN link text NOT NULL DEFAULT '';
ALTER TABLE notification DROP CONSTRAINT notification_check;
ALTER TABLE notification ADD CONSTRAINT notification_one_recipient
    CHECK (num_nonnulls(recipient_unit_id, recipient_user_id, recipient_report_id) = 1);
