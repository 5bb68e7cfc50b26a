-- Who may use Confiture. Every function runs as its caller (SECURITY INVOKER) and can do
-- nothing the caller could not do with plain SQL, so any role may call them. Tables that hold
-- history, audit rows or secrets get their own, narrower grants where they are created.
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;
