import { describe, expect, test } from 'vitest';
import { fragment, renderTemplate, TemplateError } from '../../src/report/template.js';

const md = (src: string, view: Record<string, unknown>) => renderTemplate(src, 'markdown', view as never);
const sh = (src: string, view: Record<string, unknown>) => renderTemplate(src, 'shell', view as never);

describe('markdown templates', () => {
  test('placeholders are escaped as text by default', () => {
    expect(md('Task: {{t}}\n', { t: '<b>[x](javascript:y)</b>' })).toBe(
      'Task: \\<b\\>\\[x\\](javascript:y)\\</b\\>\n',
    );
  });

  test('placeholders on a table line are escaped as cells', () => {
    expect(md('| {{a}} | {{b|code}} |\n', { a: 'x|y\nz', b: 'p|q' })).toBe('| x\\|y z | `p\\|q` |\n');
  });

  test('sections repeat over lists and standalone tags leave no blank lines', () => {
    const src = 'Files:\n{{#files}}\n- {{path|code}} {{n}}\n{{/files}}\n{{^files}}\nnone\n{{/files}}\nend\n';
    expect(
      md(src, {
        files: [
          { path: 'a`b', n: 1 },
          { path: 'c', n: 2 },
        ],
      }),
    ).toBe('Files:\n- ``a`b`` 1\n- `c` 2\nend\n');
    expect(md(src, { files: [] })).toBe('Files:\nnone\nend\n');
  });

  test('`.` is the current item; dotted names and `length` reach into objects and lists', () => {
    expect(md('{{#xs}}[{{.}}]{{/xs}} {{o.k}} {{xs.length}}', { xs: ['a', 'b'], o: { k: 'v' } })).toBe(
      '[a][b] v 2',
    );
  });

  test('fragments pass through unchanged; comments disappear', () => {
    expect(md('{{! note }}\n{{f}}', { f: fragment('**bold**') })).toBe('**bold**');
  });

  test('unknown names, unknown filters and unbalanced sections are errors', () => {
    expect(() => md('{{nope}}', {})).toThrow(TemplateError);
    expect(() => md('{{a|raw}}', { a: 'x' })).toThrow(/unknown filter "raw"/);
    expect(() => md('{{#a}}x', { a: 1 })).toThrow(/never closed/);
    expect(() => md('{{/a}}', { a: 1 })).toThrow(/does not close/);
  });
});

describe('shell templates', () => {
  test('a placeholder in word position becomes one quoted word', () => {
    expect(sh('rm -- {{p}}\n', { p: '$(touch pwned)' })).toBe("rm -- '$(touch pwned)'\n");
  });

  test('a placeholder in a comment stays on the comment line', () => {
    expect(sh('# task: {{t}}\necho ok\n', { t: 'x\nrm -rf ~' })).toBe('# task: x rm -rf ~\necho ok\n');
  });

  test('a placeholder inside quotes is refused', () => {
    expect(() => sh('echo "{{p}}"', { p: 'x' })).toThrow(/inside quotes/);
    expect(() => sh("echo '{{p}}'", { p: 'x' })).toThrow(/inside quotes/);
  });

  test('a placeholder after a here-document is refused', () => {
    expect(() => sh("cat <<'EOF'\n{{p}}\nEOF\n", { p: 'x' })).toThrow(/here-document/);
  });

  test('quotes inside comments and escaped quotes do not confuse the context', () => {
    expect(sh('# it\'s fine\necho \\" {{p}}\n', { p: 'a b' })).toBe("# it's fine\necho \\\" 'a b'\n");
  });
});
