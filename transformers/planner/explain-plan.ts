import type { Expr } from '../func-adl/ast.js';
import type { OutputSpec, ScanPlan } from '../../object-class/kernels/plan.js';

/**
 * Describes a plan for people: the columns read, the event selection, the per-event
 * computation and the output.
 */
export function explainPlan(plan: ScanPlan): string {
  const steps = chainSteps(plan.tree);
  const selection = steps.filter((step) => step.name === 'Where');
  const computation = steps.filter((step) => step.name !== 'Where');

  const lines = [
    `Columns read (${plan.columns.length}): ${plan.columns.map((path) => path.join('.')).join(', ')}`,
  ];
  lines.push(selection.length ? 'Event selection:' : 'Event selection: none, every event');
  for (const step of selection) lines.push(`  ${step.text}`);
  lines.push(computation.length ? 'Per-event computation:' : 'Per-event computation: none');
  for (const step of computation) lines.push(`  ${step.text}`);
  lines.push(`Output: ${describeOutput(plan.output)}`);
  if (plan.maxCombinationsPerEvent !== undefined) {
    lines.push(`Limit: at most ${plan.maxCombinationsPerEvent} combinations per Choose per event`);
  }
  return lines.join('\n');
}

function chainSteps(tree: Expr): { name: string; text: string }[] {
  const steps: { name: string; text: string }[] = [];
  for (let node: Expr | undefined = tree; node && node.kind === 'call';) {
    const callee: Expr = node.callee;
    const name =
      callee.kind === 'attribute' ? callee.name : callee.kind === 'name' ? callee.id : '?';
    steps.unshift({ name, text: `${name}(${node.args.map(sourceText).join(', ')})` });
    node = callee.kind === 'attribute' ? callee.object : undefined;
  }
  return steps;
}

/** Renders a subtree back to query text, compactly. */
function sourceText(node: Expr): string {
  switch (node.kind) {
    case 'number':
      return String(node.value);
    case 'string':
      return `'${node.value}'`;
    case 'boolean':
      return node.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'name':
      return node.id;
    case 'attribute':
      return `${sourceText(node.object)}.${node.name}`;
    case 'subscript':
      return `${sourceText(node.object)}[${sourceText(node.index)}]`;
    case 'call':
      return `${sourceText(node.callee)}(${node.args.map(sourceText).join(', ')})`;
    case 'lambda':
      return `lambda ${node.params.join(', ')}: ${sourceText(node.body)}`;
    case 'unary':
      return node.op === 'not'
        ? `not ${sourceText(node.operand)}`
        : `${node.op}${sourceText(node.operand)}`;
    case 'binary':
      return `(${sourceText(node.left)} ${node.op} ${sourceText(node.right)})`;
    case 'boolop':
      return `(${node.values.map(sourceText).join(` ${node.op} `)})`;
    case 'compare':
      return [
        sourceText(node.left),
        ...node.ops.flatMap((op, i) => [op, sourceText(node.comparators[i])]),
      ].join(' ');
    case 'conditional':
      return `(${sourceText(node.body)} if ${sourceText(node.test)} else ${sourceText(node.orelse)})`;
    case 'list':
      return `[${node.elements.map(sourceText).join(', ')}]`;
    case 'tuple':
      return `(${node.elements.map(sourceText).join(', ')})`;
    case 'dict':
      return `{${node.keys.map((key, i) => `${sourceText(key)}: ${sourceText(node.values[i])}`).join(', ')}}`;
  }
}

function describeOutput(output: OutputSpec): string {
  switch (output.kind) {
    case 'histogram':
      return `histogram of ${output.bins} bins over [${output.low}, ${output.high}), with underflow and overflow bins`;
    case 'rows':
      return `rows, at most ${output.maxRows} rows and ${output.maxBytes} bytes per object`;
    default:
      return `${output.kind} of all values, folded at the storage nodes`;
  }
}
