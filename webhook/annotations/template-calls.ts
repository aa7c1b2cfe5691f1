// The functions a parsed Go template calls, in first-call order: what the webhook compares with
// what vaultlet's agent renders. Admission gets them from the syntax scanner; this walk of the tree
// serves the templates the scanner hands to the parser, and is what the scanner is tested against.
// An explicit stack, so no template depth can overflow the call stack.
import type { ArgNode, ListNode, Node, PipeNode } from '../../shared/go-template/ast.ts';
import type { TemplateTree } from '../../shared/go-template/parse.ts';

type Item = Node | ListNode | PipeNode | ArgNode;

export function calledFunctions(tree: TemplateTree): string[] {
  const names = new Set<string>();
  const stack: Item[] = [tree.root, ...tree.defines.values()];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    switch (item.type) {
      case 'list':
        for (let i = item.nodes.length - 1; i >= 0; i--) stack.push(item.nodes[i]!);
        break;
      case 'action':
        stack.push(item.pipe);
        break;
      case 'if':
      case 'with':
      case 'range':
        if (item.elseList !== undefined) stack.push(item.elseList);
        stack.push(item.list, item.pipe);
        break;
      case 'template':
        if (item.pipe !== undefined) stack.push(item.pipe);
        break;
      case 'pipe':
        for (let c = item.cmds.length - 1; c >= 0; c--) {
          const args = item.cmds[c]!.args;
          for (let a = args.length - 1; a >= 0; a--) stack.push(args[a]!);
        }
        break;
      case 'chain':
        stack.push(item.node);
        break;
      case 'identifier':
        names.add(item.name);
        break;
      case 'text':
      case 'break':
      case 'continue':
      case 'bool':
      case 'dot':
      case 'field':
      case 'nil':
      case 'number':
      case 'string':
      case 'variable':
        break;
    }
  }
  return [...names];
}
