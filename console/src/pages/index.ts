import type { FunctionComponent } from 'preact';
import type { Session } from '../auth';
import { AdminBatchPage } from './admin-batch';
import { AdminPromptsPage } from './admin-prompts';
import { AdminUsagePage } from './admin-usage';
import { CoachPage } from './coach';
import { ConversationsPage } from './conversations';
import { InsightsPage } from './insights';

/** What a page receives. */
export interface PageProps {
  readonly session: Session;
  readonly local: boolean;
}

/** One page of the console: its hash route, nav title, who sees it, and its component. */
export interface Page {
  readonly id: string;
  readonly title: string;
  readonly roles: readonly Session['role'][];
  readonly component: FunctionComponent<PageProps>;
}

const EVERYONE: Page['roles'] = ['user', 'admin', 'platform-admin'];

/** The console's pages in nav order; a new page is one file plus one row here. */
export const PAGES: readonly Page[] = [
  { id: 'insights', title: 'Insights', roles: EVERYONE, component: InsightsPage },
  { id: 'coach', title: 'Coach', roles: EVERYONE, component: CoachPage },
  { id: 'conversations', title: 'Conversations', roles: EVERYONE, component: ConversationsPage },
  { id: 'admin-prompts', title: 'Prompts', roles: ['platform-admin'], component: AdminPromptsPage },
  { id: 'admin-usage', title: 'Usage', roles: ['platform-admin'], component: AdminUsagePage },
  { id: 'admin-batch', title: 'Batch', roles: ['platform-admin'], component: AdminBatchPage },
];
