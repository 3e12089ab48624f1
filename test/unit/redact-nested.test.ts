// Secrets behind one more level of quoting or encoding (#11's two probe leaks and their cousins):
// escaped quotes inside `"…"`, `$'…'` ANSI-C quoting, single quotes inside double, heredoc bodies,
// JSON encoded two or three times, quoted words spanning lines as `exec` re-quotes them. Every fuzz
// shape is read as plain text, as a raw JSON line, and inside an `exec` command line; the check is a
// substring search for the drawn secret, not the redactor's own report.
import { describe, expect, test } from 'vitest';
import { fuzzShapes } from '../helpers/fuzz-shapes.js';
import { Redactor } from '../../src/redact/redactor.js';

const shapes = fuzzShapes();
const leaked = (out: string) =>
  shapes.flatMap((s) => s.secrets.filter((x) => out.includes(x)).map((x) => `${s.name}: ${x.slice(0, 10)}…`));
/** `exec`'s display form of an argv (single quotes, `'\''` for a quote). */
const displayed = (argv: string[]) =>
  argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');

describe('secrets behind another level of quoting', () => {
  test('every shape alone, as text and as a raw JSON string', () => {
    const r = new Redactor();
    for (const s of shapes) {
      expect(leaked(r.redact(s.text)), s.name).toEqual([]);
      expect(leaked(r.redact(JSON.stringify(s.text))), s.name).toEqual([]);
      expect(leaked(JSON.stringify(r.redactDeep({ tool_input: { command: s.text } }))), s.name).toEqual([]);
    }
  });

  test('every shape inside an exec command line, in batches whose quoted words span lines', () => {
    const r = new Redactor();
    for (const n of [3, 4, 5, 7]) {
      const size = Math.ceil(shapes.length / n);
      for (let i = 0; i < shapes.length; i += size) {
        const argv = ['node', '-e', 'console.log(1)', ...shapes.slice(i, i + size).map((s) => s.text)];
        expect(leaked(r.redact(displayed(argv))), `batches of ${size} from ${i}`).toEqual([]);
        expect(
          leaked(
            r.redact(
              shapes
                .slice(i, i + size)
                .map((s) => s.text)
                .join('\n'),
            ),
          ),
        ).toEqual([]);
      }
    }
  });

  test('the nested readers keep the rest of the text byte for byte', () => {
    const r = new Redactor();
    const pw = 'harbor-Qx7vB2nL9k!w3Zp';
    expect(r.redact(`bash -c "mysql -u root -p${pw} -e \\"show databases\\""`)).toBe(
      'bash -c "mysql -u root -p[REDACTED:cli-credential] -e \\"show databases\\""',
    );
    expect(r.redact(`bash -c $'PGPASSWORD=\\'${pw}\\' psql -h db'`)).toBe(
      `bash -c $'PGPASSWORD=\\'[REDACTED:secret-key-name]\\' psql -h db'`,
    );
    const twice = JSON.stringify(JSON.stringify({ db: { host: 'db.internal', password: pw } }));
    expect(JSON.parse(JSON.parse(r.redact(twice)))).toEqual({
      db: { host: 'db.internal', password: '[REDACTED:secret-assignment]' },
    });
  });

  test('look-alikes behind the same quoting stay intact', () => {
    const r = new Redactor();
    for (const text of [
      `echo "{\\"name\\": \\"alice\\", \\"id\\": \\"toolu_01ABCDEFGHIJKLMNOPQRSTUV\\"}"`,
      `bash -c $'echo \\'hello world\\' && ls -la'`,
      JSON.stringify(JSON.stringify({ path: '/Users/alice/shop/src/app.ts', lines: 42 })),
      `sh -c "git commit -m \\"fix: don't drop the session\\""`,
      `cat <<'EOF' > notes.md\nIt's done; password rotation is tomorrow.\nEOF`,
    ])
      expect(r.redact(text)).toBe(text);
  });
});
