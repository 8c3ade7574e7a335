import { CfnOutput } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/**
 * The service's outbound events: a custom EventBridge bus for `coaching.conversations` / `HumanHandoffRequested`
 * events (a conversation asks for a human coach). Whoever routes hand-offs (a ticketing integration, a notifier)
 * subscribes with a rule on this bus; the service only publishes. The bus has no resource policy, so only
 * principals of this account with events:PutEvents on it can publish (the conversation turn functions).
 */
export class Events extends Construct {
  /** Where the support desk publishes human hand-off requests (HANDOFF_EVENT_BUS): escalations and conversation hand-offs. */
  readonly handoffBus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // CDK names the bus (unique per stack and stage); subscribers find it through the output below.
    this.handoffBus = new EventBus(this, 'HandoffBus', {
      description: 'Coaching service: human hand-off requests from conversations (coaching.conversations)',
    });
    new CfnOutput(this, 'HandoffBusName', {
      value: this.handoffBus.eventBusName,
      description: 'EventBridge bus of coaching.conversations / HumanHandoffRequested events',
    });
  }
}
