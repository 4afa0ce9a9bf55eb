"""PostgreSQL: the audit log stays append-only, with one exception, the retention job's reduction of an entry's
personal fields (audit/retention.py): once per entry (OLD.reduced_at IS NULL, NEW.reduced_at set), the address
emptied, and everything that says who did what to which record, when and where, unchanged. Only `changes` and
`detail` may change besides, and only by losing values (nothing new is written into an entry). DELETE is still refused
for everyone."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION audit_entry_is_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.reduced_at IS NULL
        AND NEW.reduced_at IS NOT NULL
        AND NEW.ip IS NULL
        AND NEW.id = OLD.id
        AND NEW.at IS NOT DISTINCT FROM OLD.at
        AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
        AND NEW.actor_username IS NOT DISTINCT FROM OLD.actor_username
        AND NEW.roles IS NOT DISTINCT FROM OLD.roles
        AND NEW.action IS NOT DISTINCT FROM OLD.action
        AND NEW.object_type IS NOT DISTINCT FROM OLD.object_type
        AND NEW.subject IS NOT DISTINCT FROM OLD.subject
        AND NEW.object_ids::jsonb IS NOT DISTINCT FROM OLD.object_ids::jsonb
        AND NEW.path IS NOT DISTINCT FROM OLD.path
        AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id
        -- The reduction only takes values away: `changes` keeps (some of) its field names, each with null;
        -- `detail` keeps (some of) its keys, each with its old value or null. Nothing new is ever written.
        AND jsonb_typeof(NEW.changes::jsonb) = 'object'
        AND jsonb_typeof(NEW.detail::jsonb) = 'object'
        AND NOT EXISTS (
            SELECT 1 FROM jsonb_each(
                CASE WHEN jsonb_typeof(NEW.changes::jsonb) = 'object' THEN NEW.changes::jsonb ELSE '{}'::jsonb END
            ) AS new_change(key, value)
            WHERE new_change.value <> 'null'::jsonb
                OR jsonb_typeof(OLD.changes::jsonb) IS DISTINCT FROM 'object'
                OR NOT (OLD.changes::jsonb ? new_change.key)
        )
        AND NOT EXISTS (
            SELECT 1 FROM jsonb_each(
                CASE WHEN jsonb_typeof(NEW.detail::jsonb) = 'object' THEN NEW.detail::jsonb ELSE '{}'::jsonb END
            ) AS new_detail(key, value)
            WHERE new_detail.value <> 'null'::jsonb
                AND (
                    jsonb_typeof(OLD.detail::jsonb) IS DISTINCT FROM 'object'
                    OR NOT (OLD.detail::jsonb ? new_detail.key)
                    OR (OLD.detail::jsonb -> new_detail.key) IS DISTINCT FROM new_detail.value
                )
        )
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
# Back to 0002's function: no UPDATE at all.
BACKWARD = """
CREATE OR REPLACE FUNCTION audit_entry_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_request_id_reduced")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
