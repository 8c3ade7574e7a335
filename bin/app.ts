import { App } from 'aws-cdk-lib';
import { deployCoachingStack } from './deployment';

// The settings come from CDK context (bin/deployment.ts): validated, refusing placeholders outside the dev stage.
deployCoachingStack(new App());
