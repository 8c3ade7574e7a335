import { NestedStack, Stack, type CfnResource as CfnResourceConstruct } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

/** A resource as a template has it. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties: Record<string, any>;
  readonly DeletionPolicy?: string;
  readonly DependsOn?: string[];
}

interface TemplateJson {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, unknown>;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

/** One synthesized template: the stack it is, and what it holds as written (references across templates unread). */
export interface StackTemplate {
  readonly stack: Stack;
  readonly template: Template;
  readonly json: TemplateJson;
}

/** A template being read: where its parameters come from, and its nested stacks' templates by their resource's id. */
interface Scope {
  readonly json: TemplateJson;
  readonly parent?: { readonly scope: Scope; readonly parameters: Record<string, unknown> };
  readonly nested: Map<string, Scope>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A stack's template and those of its nested stacks, read as one deployment: `resources` and `outputs` follow the
 * references between them, so a nested template's parameter reads as the value its parent passes
 * (`{ 'Fn::GetAtt': ['DataInsights…', 'Arn'] }`, not `{ Ref: 'referenceto…Arn' }`) and a parent's read of a nested
 * stack's output as that output's value. An assertion on a grant, an env var or an alarm dimension then names the
 * resource itself, wherever it lives; `templateOf` is the template a construct's resources are in.
 */
export class StackTemplates {
  /** The stack's template first, then each nested stack's (a parent before its children). */
  readonly all: readonly StackTemplate[];
  private readonly root: Scope;
  private readonly scopes = new Map<Stack, Scope>();
  private readonly owners = new Map<string, StackTemplate>();

  constructor(stack: Stack) {
    const stacks = [stack, ...stack.node.findAll().filter((construct) => construct instanceof NestedStack)];
    this.all = stacks.map((each) => {
      const template = Template.fromStack(each);
      const json: TemplateJson = template.toJSON();
      return { stack: each, template, json };
    });
    for (const { stack: each, json } of this.all) {
      const parentStack = each.nestedStackParent;
      const parent = parentStack ? this.scopes.get(parentStack) : undefined;
      if (!parentStack || !parent || !(each instanceof NestedStack)) {
        this.scopes.set(each, { json, nested: new Map() });
        continue;
      }
      const resourceId = parentStack.getLogicalId(each.nestedStackResource as CfnResourceConstruct);
      const parameters: Record<string, unknown> = parent.json.Resources?.[resourceId]?.Properties.Parameters ?? {};
      const scope: Scope = { json, parent: { scope: parent, parameters }, nested: new Map() };
      parent.nested.set(resourceId, scope);
      this.scopes.set(each, scope);
    }
    this.root = this.scopes.get(stack)!;
    for (const entry of this.all) {
      for (const id of Object.keys(entry.json.Resources ?? {})) {
        const other = this.owners.get(id);
        if (other) throw new Error(`${id} is in both ${other.stack.node.path} and ${entry.stack.node.path}`);
        this.owners.set(id, entry);
      }
    }
  }

  /** The templates of a stack and its nested stacks. */
  static of(stack: Stack): StackTemplates {
    return new StackTemplates(stack);
  }

  /** Every resource of every template (of `type`, when given), by logical id, references across templates followed. */
  resources(type?: string): [string, CfnResource][] {
    return this.all.flatMap(({ stack, json }) => {
      const scope = this.scopes.get(stack)!;
      return Object.entries(json.Resources ?? {})
        .filter(([, resource]) => type === undefined || resource.Type === type)
        .map(([id, resource]) => [id, this.follow(resource, scope) as CfnResource] as [string, CfnResource]);
    });
  }

  /** The outputs of the top-level stack (what `describe-stacks` lists), references into nested stacks followed. */
  outputs(): Record<string, { Value: unknown }> {
    return this.follow(this.root.json.Outputs ?? {}, this.root) as Record<string, { Value: unknown }>;
  }

  /** The template the construct's resources are written in: that of its stack. */
  templateOf(construct: IConstruct): StackTemplate {
    const stack = Stack.of(construct);
    const entry = this.all.find((candidate) => candidate.stack === stack);
    if (!entry) throw new Error(`${construct.node.path} is in none of these templates`);
    return entry;
  }

  /** The template that has the resource with this logical id. */
  ownerOf(logicalId: string): StackTemplate {
    const entry = this.owners.get(logicalId);
    if (!entry) throw new Error(`No template has a resource ${logicalId}`);
    return entry;
  }

  /** `value` of the template `scope` with its parameters and its reads of nested stacks' outputs replaced. */
  private follow(value: unknown, scope: Scope): unknown {
    if (Array.isArray(value)) return value.map((item) => this.follow(item, scope));
    if (!isObject(value)) return value;
    const ref = value.Ref;
    if (typeof ref === 'string' && scope.parent && ref in scope.parent.parameters) {
      return this.follow(scope.parent.parameters[ref], scope.parent.scope);
    }
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
      const nested = scope.nested.get(getAtt[0]);
      if (nested && getAtt[1].startsWith('Outputs.')) {
        const output = nested.json.Outputs?.[getAtt[1].slice('Outputs.'.length)];
        if (!output) throw new Error(`${getAtt[0]} has no output ${getAtt[1]}`);
        return this.follow(output.Value, nested);
      }
    }
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.follow(item, scope)]));
  }
}
