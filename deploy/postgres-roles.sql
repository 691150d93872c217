-- adminduk on PostgreSQL: two roles, so the application cannot change its own audit log.
--
--   adminduk_owner  owns the database and every table; runs `adminduk migrate`. Its password
--                   is kept by the database administrator, not in the application's settings.
--   adminduk_app    what the web processes and task workers connect as. Owns nothing: it cannot
--                   TRUNCATE, ALTER TABLE ... DISABLE TRIGGER or DROP TRIGGER on any table, and
--                   on the audit log it may only SELECT and INSERT (and set the three hash
--                   chain columns of a new entry once, which a trigger enforces).
--
-- 1. Once, as a superuser (psql -v owner_pw=... -v app_pw=... -f deploy/postgres-roles.sql):
CREATE ROLE adminduk_owner LOGIN PASSWORD :'owner_pw';
CREATE ROLE adminduk_app LOGIN PASSWORD :'app_pw' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE DATABASE adminduk OWNER adminduk_owner;
\connect adminduk
ALTER SCHEMA public OWNER TO adminduk_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
--
-- 2. As the owner, after every migration (the command runs the statements below, and checks
--    that the application's role exists and owns nothing):
--      DATABASE_URL=postgres://adminduk_owner@HOST/adminduk adminduk migrate
--      DATABASE_URL=postgres://adminduk_owner@HOST/adminduk adminduk audit grant-app-role --role adminduk_app
--    The same statements, for reference (`adminduk audit grant-app-role --role adminduk_app --print`):
--
--      GRANT USAGE ON SCHEMA public TO adminduk_app;
--      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO adminduk_app;
--      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO adminduk_app;
--      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO adminduk_app;
--      ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO adminduk_app;
--      REVOKE ALL ON public.audit_auditentry, public.audit_auditcheck, public.audit_auditmention FROM adminduk_app;
--      GRANT SELECT, INSERT ON public.audit_auditentry, public.audit_auditcheck, public.audit_auditmention TO adminduk_app;
--      GRANT UPDATE (seq, prev_hash, entry_hash) ON public.audit_auditentry TO adminduk_app;
--      REVOKE ALL ON public.audit_auditchainhead FROM adminduk_app;
--      GRANT SELECT, UPDATE ON public.audit_auditchainhead TO adminduk_app;
--
-- 3. The application runs with DATABASE_URL=postgres://adminduk_app@HOST/adminduk.
