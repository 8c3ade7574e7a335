import { Names, Stack, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The top-level stack a construct deploys with: its own stack, or the stack its nested stack (and that one's parent,
 * and so on) is nested in. What is one per deployment lives there: the tracing layer, the alarm names' prefix.
 */
export const rootStackOf = (scope: IConstruct): Stack => {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
};

/**
 * How an attribute of a resource reads in the template of `consumer`'s stack, in cdk-nag's notation of a finding's
 * resource: `<LogicalId.Arn>` where the resource is in the same stack, and `<referenceto...Arn>` in a nested stack
 * right below it, where aws-cdk-lib passes the value in as a parameter named `reference-to-<the resource's unique id>
 * <attribute>` (stripped to letters and digits). An acknowledgement names its finding by this, so it must be made for
 * the stack the grant lands in. A cdk-nag test fails when aws-cdk-lib names these parameters otherwise.
 */
export const referenceIn = (consumer: IConstruct, resource: CfnElement, attribute: string): string => {
  const consumerStack = Stack.of(consumer);
  const producerStack = Stack.of(resource);
  if (consumerStack === producerStack) return `<${producerStack.getLogicalId(resource)}.${attribute}>`;
  if (consumerStack.nestedStackParent !== producerStack) {
    throw new Error(
      `${consumer.node.path} refers to ${resource.node.path}, which is neither in its stack nor in the stack right above it`,
    );
  }
  return `<referenceto${Names.nodeUniqueId(resource.node)}${attribute}>`;
};
