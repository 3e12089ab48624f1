const fs = require('fs'), vm = require('vm'), path = require('path'), Module = require('module');
const file = require.resolve('re2js');
const mode = process.argv[2];
const t0 = performance.now();
let RE2JS;
if (mode === 'plain') RE2JS = require('re2js').RE2JS;
else {
  const src = fs.readFileSync(file, 'utf8');
  let cachedData; try { cachedData = fs.readFileSync('/tmp/s3-re2.cache'); } catch {}
  const script = new vm.Script(Module.wrap(src), { filename: file, cachedData });
  const m = { exports: {} };
  script.runInThisContext()(m.exports, require, m, file, path.dirname(file));
  RE2JS = m.exports.RE2JS;
  if (mode === 'write') { const re = RE2JS.compile('(a+)+$|foo[a-z]{3}\\d+', 1); re.test('aaaab'); re.matcher('xfooabc1').find(); fs.writeFileSync('/tmp/s3-re2.cache', script.createCachedData()); }
  if (cachedData && script.cachedDataRejected) console.log('rejected');
}
const t1 = performance.now();
const re = RE2JS.compile('acme_[a-z0-9]{32}', 0);
const m = re.matcher('x acme_' + 'a'.repeat(32) + ' y'); m.find();
const t2 = performance.now();
console.log(mode, 'load', (t1-t0).toFixed(1), 'first compile+find', (t2-t1).toFixed(1));
