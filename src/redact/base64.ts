// Secrets wrapped in base64: a PEM key from `kubectl get secret -o yaml` (`LS0tLS1CRUdJTi…`), a
// service-account JSON, a `.dockerconfigjson`, `echo $TOKEN | base64`, a bare `user:pass`, and DER
// private-key bodies whose PEM header was cut off. A run of base64 is decoded; when the text inside
// holds a secret (judged by the same rules), or the bytes are a private key, the run is a secret.
// Dependency-free (the hook path loads it).

/**
 * A run of base64 (std or url alphabet), possibly wrapped over lines (`base64` wraps at 76). A
 * wrapped line is all base64 up to the end of its line (or a closing quote): the next line of a
 * file (`signing: on`, `hello world`) is not part of the run, which it would hide from the decode.
 */
const RUN =
  /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?:(?:\r?\n|\\r\\n|\\n)[ \t]*[A-Za-z0-9+/_-]{4,}={0,2}(?=\r?\n|\\r\\n|\\n|\\?["'`]|$))*(?![A-Za-z0-9+/=_-])/g;
const LINE_BREAK = /(?:\r?\n|\\r\\n|\\n)[ \t]*/g;
/** Longest run decoded (a bigger blob is an image or a bundle, not a credential file). */
const MAX_RUN = 64 * 1024;

/** Decode a base64 or base64url run (line breaks dropped); null when it is not base64 at all. */
export function decodeBase64Run(run: string): Buffer | null {
  const body = run.replace(/\\r\\n|\\n|\s+/g, '').replace(/=+$/, '');
  if (body.length % 4 === 1) return null;
  if (/[-_]/.test(body) && /[+/]/.test(body)) return null;
  return Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** Mostly printable ASCII text: random bytes almost never are (a few UTF-8 letters are allowed). */
function isText(bytes: Buffer): boolean {
  if (bytes.length < 8) return false;
  let printable = 0;
  let control = 0;
  for (const b of bytes) {
    if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) printable++;
    else if (b < 0x20 || b === 0x7f) control++;
  }
  return control === 0 && printable / bytes.length >= 0.9;
}

/** `user:password` as in HTTP basic auth, not `host:port` or a time. */
function isUserPass(text: string): boolean {
  const m = /^([A-Za-z0-9._@+-]{1,64}):([^\s:]{4,256})$/.exec(text.trim());
  if (!m) return false;
  if (/^[\d.]+$/.test(m[2]!) || /^\d+$/.test(m[1]!)) return false;
  return /[A-Za-z]/.test(m[1]!);
}

/**
 * DER of a private key: SEQUENCE { INTEGER 0, INTEGER … } (PKCS#1), SEQUENCE { INTEGER 0,
 * SEQUENCE … } (PKCS#8) or SEQUENCE { INTEGER 1, OCTET STRING … } (SEC1 EC). Certificates and
 * public keys have another shape.
 */
export function isDerPrivateKey(bytes: Buffer): boolean {
  if (bytes.length < 16 || bytes[0] !== 0x30) return false;
  let p = 1;
  const l = bytes[p]!;
  if (l & 0x80) {
    const n = l & 0x7f;
    if (n < 1 || n > 2) return false;
    p += 1 + n;
  } else p += 1;
  if (bytes[p] !== 0x02 || bytes[p + 1] !== 0x01) return false;
  const version = bytes[p + 2];
  const next = bytes[p + 3];
  if (version === 0) return next === 0x02 || next === 0x30;
  if (version === 1) return next === 0x04;
  return false;
}

/**
 * Wrapped base64 has lines of one length and a shorter last one: keep the lines up to there, so a
 * short word on the next line is not taken for part of the run.
 */
function wrappedPart(run: string): string {
  const re = new RegExp(LINE_BREAK.source, 'g');
  const breaks: [number, number][] = [];
  let b: RegExpExecArray | null;
  while ((b = re.exec(run)) !== null) breaks.push([b.index, b.index + b[0].length]);
  if (breaks.length === 0) return run;
  const width = breaks[0]![0];
  let lineStart = 0;
  for (let i = 0; i < breaks.length; i++) {
    const [s, e] = breaks[i]!;
    if (s - lineStart !== width) return run.slice(0, i === 0 ? s : breaks[i - 1]![0]);
    lineStart = e;
    // The line after this break must be no longer than the width.
    const nextEnd = i + 1 < breaks.length ? breaks[i + 1]![0] : run.length;
    if (nextEnd - e > width) return run.slice(0, s);
  }
  return run;
}

/** Spans of base64 runs that hide a secret; `probe` runs the other rules on decoded text. */
export function base64SecretSpans(text: string, probe: (piece: string) => boolean): number[] {
  const out: number[] = [];
  // A fresh regex: `probe` re-enters this function, and a shared one would lose its place.
  const re = new RegExp(RUN.source, 'g');
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const run = wrappedPart(m[0]);
    if (run.length > MAX_RUN) continue;
    // Plain words and identifiers (`handleUserAuthenticationToken`) decode to noise: skip the decode
    // unless the run has the marks of base64 (a digit, `+`, `/`, padding) and some length.
    if (!/[0-9+/=]/.test(run) || /^[0-9a-fA-F]+$/.test(run)) continue;
    const bytes = decodeBase64Run(run);
    if (!bytes || bytes.length < 8) continue;
    let secret: boolean;
    if (isText(bytes)) {
      const decoded = bytes.toString('utf8');
      secret = isUserPass(decoded) || probe(decoded);
    } else {
      // Binary wrapped like a PEM body (full lines of 60–76 characters): key material even when
      // its header, or its first lines, were cut off.
      const lines = run.split(LINE_BREAK);
      secret =
        isDerPrivateKey(bytes) || (lines.length >= 3 && lines[0]!.length >= 60 && lines[0]!.length <= 76);
    }
    if (secret) out.push(m.index, m.index + run.length);
  }
  return out;
}
