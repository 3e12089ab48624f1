// The schema name every note line carries (apart from schema.ts so that readers that never build a
// zod schema, the small `show` bundle among them, need not load zod to write or compare it).
export const SCHEMA = 'agent-log/v1';
