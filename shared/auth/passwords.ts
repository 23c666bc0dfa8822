import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ServiceBusyError } from '../errors.ts';

/**
 * Password hashing with scrypt (node:crypto), stored as a self-describing string
 * `$scrypt$ln=17,r=8,p=1$<salt>$<hash>` (standard base64 without padding, as in the PHC format),
 * so a hash made with older, weaker parameters still verifies and can be recognised for upgrade.
 */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
  /** Bytes of derived key stored. */
  keyLength: number;
  /** Bytes of random salt. */
  saltLength: number;
}

/**
 * OWASP's current minimum for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1, which costs
 * 128 MiB and roughly 100-300 ms of one core per hash or verify.
 */
export const PASSWORD_PARAMS: Readonly<ScryptParams> = Object.freeze({
  ln: 17,
  r: 8,
  p: 1,
  keyLength: 32,
  saltLength: 16,
});

/** Accepted lengths, in characters (code points) after Unicode normalisation. */
export const PASSWORD_POLICY = Object.freeze({ minLength: 8, maxLength: 128 });

/**
 * Stored hashes asking for more memory than this are treated as invalid rather than computed: a
 * tampered row must not be able to make one login allocate gigabytes.
 */
const MAX_SCRYPT_MEMORY = 512 * 1024 * 1024;

/**
 * At most this many derivations run at once. Each takes 128 MiB outside the JS heap and a libuv
 * thread (of 4, shared with fs and DNS); a burst queues here instead.
 */
const MAX_CONCURRENT_DERIVATIONS = 2;

/**
 * Who is waiting for a derivation. Logins (and hashing the password of someone already signed in)
 * go first; sign-ups wait behind them, so a flood of registrations cannot stall everyone's logins.
 */
export type DerivationPriority = 'login' | 'signup';

/**
 * How many may wait beyond the running ones before more are shed with ServiceBusyError (503 +
 * Retry-After): a queue without bound turns a burst into minutes of latency and gigabytes of
 * pending work. At ~150 ms a derivation, 64 waiting logins is about 5 s of wait at most.
 */
export const MAX_WAITING_DERIVATIONS: Readonly<Record<DerivationPriority, number>> = Object.freeze({
  login: 64,
  signup: 8,
});

const FORMAT =
  /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * Shortest salt and hash accepted from storage. A shorter key is still a prefix of the full one
 * (scrypt ends in PBKDF2), so it would verify; below 16 bytes it is too easy to collide with.
 */
const MIN_STORED_BYTES = 16;

interface ParsedHash {
  ln: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

/**
 * Hash a password with a fresh random salt; equal passwords give different strings.
 *
 * @example
 *   const stored = await hashPassword('correct horse battery staple');
 *   // '$scrypt$ln=17,r=8,p=1$Yc3...$q9F...'
 */
export async function hashPassword(
  password: string,
  params: ScryptParams = PASSWORD_PARAMS,
  priority: DerivationPriority = 'login',
): Promise<string> {
  const salt = randomBytes(params.saltLength);
  const hash = await derive(password, salt, params, priority);
  return format({ ln: params.ln, r: params.r, p: params.p, salt, hash });
}

/**
 * Check a password against a stored hash in constant time. `needsRehash` is true when the password
 * matched but the hash was made with weaker parameters than `current`: store a new hash then.
 * A malformed stored string never matches.
 *
 * @example
 *   const { ok, needsRehash } = await verifyPassword(password, row.password_hash);
 *   if (ok && needsRehash) await save(await hashPassword(password));
 */
export async function verifyPassword(
  password: string,
  stored: string,
  current: ScryptParams = PASSWORD_PARAMS,
): Promise<{ ok: boolean; needsRehash: boolean }> {
  const parsed = parse(stored);
  if (!parsed) return { ok: false, needsRehash: false };
  const candidate = await derive(
    password,
    parsed.salt,
    { ln: parsed.ln, r: parsed.r, p: parsed.p, keyLength: parsed.hash.length },
    'login',
  );
  const ok = timingSafeEqual(candidate, parsed.hash);
  const weaker =
    parsed.ln < current.ln ||
    parsed.r < current.r ||
    parsed.p < current.p ||
    parsed.hash.length < current.keyLength ||
    parsed.salt.length < current.saltLength;
  return { ok, needsRehash: ok && weaker };
}

/**
 * A well-formed hash with `params` that no password matches (random salt and hash, nothing
 * derived). Verifying against it costs exactly what a real verify costs, so a login for an
 * unknown user takes as long as one with a wrong password.
 *
 * @example
 *   const { ok } = await verifyPassword(password, row?.password_hash ?? unmatchableHash());
 */
export function unmatchableHash(params: ScryptParams = PASSWORD_PARAMS): string {
  return format({
    ln: params.ln,
    r: params.r,
    p: params.p,
    salt: randomBytes(params.saltLength),
    hash: randomBytes(params.keyLength),
  });
}

/**
 * Why a password is refused by the policy, or undefined when it is acceptable.
 *
 * @example
 *   passwordProblem('short'); // 'password must be at least 8 characters'
 */
export function passwordProblem(password: string): string | undefined {
  const length = [...password.normalize('NFKC')].length;
  if (length < PASSWORD_POLICY.minLength)
    return `password must be at least ${PASSWORD_POLICY.minLength} characters`;
  if (length > PASSWORD_POLICY.maxLength)
    return `password must be at most ${PASSWORD_POLICY.maxLength} characters`;
  return undefined;
}

function format({ ln, r, p, salt, hash }: ParsedHash): string {
  return `$scrypt$ln=${ln},r=${r},p=${p}$${salt.toString('base64').replace(/=+$/, '')}$${hash
    .toString('base64')
    .replace(/=+$/, '')}`;
}

function parse(stored: string): ParsedHash | undefined {
  const match = FORMAT.exec(stored);
  if (!match) return undefined;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (ln < 1 || r < 1 || p < 1 || memoryOf(ln, r) > MAX_SCRYPT_MEMORY || p > 16) return undefined;
  const salt = Buffer.from(match[4]!, 'base64');
  const hash = Buffer.from(match[5]!, 'base64');
  if (salt.length < MIN_STORED_BYTES || hash.length < MIN_STORED_BYTES) return undefined;
  return { ln, r, p, salt, hash };
}

/** scrypt's working memory: 128 * N * r bytes. */
function memoryOf(ln: number, r: number): number {
  return 128 * 2 ** ln * r;
}

let running = 0;
const waiting: Record<DerivationPriority, (() => void)[]> = { login: [], signup: [] };

async function derive(
  password: string,
  salt: Buffer,
  { ln, r, p, keyLength }: Pick<ScryptParams, 'ln' | 'r' | 'p' | 'keyLength'>,
  priority: DerivationPriority,
): Promise<Buffer> {
  await acquireSlot(priority);
  try {
    // NFKC: the same password typed on another keyboard or OS (composed vs decomposed accents)
    // must give the same bytes (NIST SP 800-63B, 5.1.1.2).
    const input = Buffer.from(password.normalize('NFKC'), 'utf8');
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(
        input,
        salt,
        keyLength,
        // Node's default maxmem (32 MiB) is below what N=2^17, r=8 needs; allow the need plus slack.
        { N: 2 ** ln, r, p, maxmem: memoryOf(ln, r) + 32 * 1024 * 1024 },
        (err, key) => (err ? reject(err) : resolve(key)),
      );
    });
  } finally {
    releaseSlot();
  }
}

async function acquireSlot(priority: DerivationPriority): Promise<void> {
  if (running < MAX_CONCURRENT_DERIVATIONS) {
    running++;
    return;
  }
  const queue = waiting[priority];
  if (queue.length >= MAX_WAITING_DERIVATIONS[priority]) {
    throw new ServiceBusyError('too many passwords are being checked right now; try again shortly', {
      retryAfterSeconds: 2,
    });
  }
  // The releasing call hands its slot over, so `running` is not decremented and re-incremented.
  await new Promise<void>((resolve) => queue.push(resolve));
}

function releaseSlot(): void {
  const next = waiting.login.shift() ?? waiting.signup.shift();
  if (next) next();
  else running--;
}
