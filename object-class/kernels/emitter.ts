/**
 * Builds the JavaScript source of a kernel. Everything it writes is either fixed template text,
 * a name it generated itself (`t12`, `i3`, `b4`) or a number formatted by `formatNumber`, so no
 * text from a query or a schema can reach the source.
 */
export class Emitter {
  private readonly lines: string[] = [];
  private depth = 1;
  private counter: { next: number };
  /** Declarations at kernel level, run once when the kernel is built: scratch buffers. */
  readonly prelude: string[];

  constructor(counter = { next: 0 }, prelude: string[] = []) {
    this.counter = counter;
    this.prelude = prelude;
  }

  /** Generates a fresh identifier with one of the fixed prefixes. */
  fresh(prefix: 't' | 'i' | 'n' | 'b' | 'k' | 'L' | 's' | 'a' | 'x'): string {
    return `${prefix}${this.counter.next++}`;
  }

  /** Appends one statement line. */
  line(code: string): void {
    this.lines.push('  '.repeat(this.depth) + code);
  }

  /** Declares `const name = expression;` and returns the name. */
  constant(expression: string): string {
    const name = this.fresh('t');
    this.line(`const ${name} = ${expression};`);
    return name;
  }

  /** Appends `head {`, the body's lines one level deeper, and `}`. */
  block(head: string, body: () => void): void {
    this.line(`${head} {`);
    this.depth++;
    body();
    this.depth--;
    this.line('}');
  }

  /** Runs `body` on a child emitter that shares names and prelude, returning its lines. */
  capture<T>(body: (child: Emitter) => T): { lines: string[]; result: T } {
    const child = new Emitter(this.counter, this.prelude);
    child.depth = this.depth;
    const result = body(child);
    return { lines: child.lines, result };
  }

  /** Appends lines captured from a child emitter. */
  append(lines: string[]): void {
    this.lines.push(...lines);
  }

  /** Returns the statements written so far. */
  text(): string {
    return this.lines.join('\n');
  }
}

/**
 * Formats a number as a JavaScript literal. Throws TypeError for anything that is not a
 * number, so a string can never pass through as code.
 */
export function formatNumber(value: number): string {
  if (typeof value !== 'number') {
    throw new TypeError(
      `Kernel constant ${String(value)} is not a number; only numbers may appear in generated code`,
    );
  }
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '(-Infinity)';
  if (Object.is(value, -0)) return '(-0)';
  const text = String(value);
  if (!/^-?[0-9.]+(e[+-][0-9]+)?$/.test(text)) {
    throw new TypeError(`Kernel constant ${text} has an unexpected form`);
  }
  return value < 0 ? `(${text})` : text;
}
