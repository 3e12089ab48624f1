// The notes ref records live on (apart from notes.ts so that light readers need not load the schema).
export const NOTES_REF = 'refs/notes/agent-log';
