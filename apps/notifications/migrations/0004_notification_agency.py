"""Notifications carry the agency they are about; the recipient indexes lead with (recipient,
agency) so the list and the unread badge stay one index probe for the acting agency.

Rows written before every notification carried an agency are backfilled: with the one agency,
among those the notification's target points at, of which the recipient is or was a member;
failing that, with the recipient's only agency. Rows that stay without an agency (a secondee,
and a target that does not tell) are shown for no agency: the safe choice, since showing them
to every agency of the user is the leak being fixed.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Agencies a notification's target points at, by target type.
BACKFILL_SQL = """
WITH candidate AS (
    SELECT n.id, c.agency_id
      FROM notifications_notification n
      JOIN LATERAL (
            SELECT n.target_id AS agency_id WHERE n.target_type = 'agency'
        UNION SELECT r.from_agency_id FROM referrals_referral r
               WHERE n.target_type = 'referral' AND r.id = n.target_id
        UNION SELECT r.to_agency_id FROM referrals_referral r
               WHERE n.target_type = 'referral' AND r.id = n.target_id
        UNION SELECT a.owner_agency_id FROM action_plans_action a
               WHERE n.target_type = 'action' AND a.id = n.target_id
        UNION SELECT c.lead_agency_id FROM cases_case c
               WHERE n.target_type = 'case' AND c.id = n.target_id
        UNION SELECT p.agency_id FROM consent_dsaparty p
               WHERE n.target_type = 'dsa' AND p.agreement_id = n.target_id
        UNION SELECT m.referring_agency_id FROM marac_maracreferral m
               WHERE n.target_type = 'marac_referral' AND m.id = n.target_id
        UNION SELECT area.coordinating_agency_id
                FROM marac_maracreferral m JOIN marac_maracarea area ON area.id = m.area_id
               WHERE n.target_type = 'marac_referral' AND m.id = n.target_id
        UNION SELECT member.agency_id
                FROM marac_meeting mt
                JOIN marac_maracarea_member_agencies member ON member.maracarea_id = mt.area_id
               WHERE n.target_type = 'marac_meeting' AND mt.id = n.target_id
      ) c ON true
     WHERE n.agency_id IS NULL
       AND EXISTS (SELECT 1 FROM agencies_membership ms
                    WHERE ms.user_id = n.recipient_id AND ms.agency_id = c.agency_id)
), single AS (
    SELECT id, (array_agg(agency_id))[1] AS agency_id
      FROM candidate GROUP BY id HAVING count(DISTINCT agency_id) = 1
)
UPDATE notifications_notification n SET agency_id = single.agency_id
  FROM single WHERE n.id = single.id;

UPDATE notifications_notification n
   SET agency_id = (SELECT ms.agency_id FROM agencies_membership ms
                     WHERE ms.user_id = n.recipient_id LIMIT 1)
 WHERE n.agency_id IS NULL
   AND (SELECT count(DISTINCT ms.agency_id) FROM agencies_membership ms
         WHERE ms.user_id = n.recipient_id) = 1;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0002_service'),
        ('notifications', '0003_reminder_key_uuid_first'),
        ('referrals', '__first__'),
        ('action_plans', '__first__'),
        ('cases', '__first__'),
        ('consent', '__first__'),
        ('marac', '__first__'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='notification',
            name='notification_recipient',
        ),
        migrations.RemoveIndex(
            model_name='notification',
            name='notification_unread',
        ),
        migrations.AlterField(
            model_name='notification',
            name='agency',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency'),
        ),
        migrations.RunSQL(BACKFILL_SQL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(fields=['recipient', 'agency', '-created_at', '-id'], name='notification_recipient'),
        ),
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('read_at__isnull', True)), fields=['recipient', 'agency'], name='notification_unread'),
        ),
    ]
