import type { IAspect } from 'aws-cdk-lib';
import { Alarm, AlarmBase, type AlarmProps } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct, IConstruct } from 'constructs';
import { rootStackOf } from './stacks';

/**
 * An alarm named `<stack name>-<id>` after the top-level stack (also when it is made in a nested stack): the name its
 * notifications carry and docs/runbook.md lists it by, so `id` must be unique in the deployment (e.g.
 * `InsightJobsBacklog`, not `Backlog`).
 */
export const namedAlarm = (scope: Construct, id: string, props: Omit<AlarmProps, 'alarmName'>): Alarm =>
  new Alarm(scope, id, { ...props, alarmName: `${rootStackOf(scope).stackName}-${id}` });

/**
 * Makes a topic the alarm and OK action of every alarm in the scope it is applied to (an aspect, so an alarm added
 * anywhere in the stack, its nested stacks included, notifies without its construct knowing the topic).
 */
export class NotifyOnAlarms implements IAspect {
  private readonly action: SnsAction;

  constructor(topic: ITopic) {
    this.action = new SnsAction(topic);
  }

  visit(node: IConstruct): void {
    if (!(node instanceof AlarmBase)) return;
    node.addAlarmAction(this.action);
    node.addOkAction(this.action);
  }
}
