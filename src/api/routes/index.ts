import type { RouteSpec } from "../route.js";
import { alertRoutes } from "./alerts.js";
import { approvalRoutes } from "./approvals.js";
import { auditRoutes } from "./audit.js";
import { chatRoutes } from "./chat.js";
import { eventRoutes } from "./events.js";
import { instanceRoutes } from "./instances.js";
import { keyRoutes } from "./keys.js";
import { peopleRoutes } from "./people.js";
import { planRoutes } from "./plans.js";
import { plugRoutes } from "./plugs.js";
import { systemRoutes } from "./system.js";
import { tenantActionRoutes } from "./tenantActions.js";
import { tenantPlugRoutes } from "./tenantPlugs.js";
import { tenantRoutes } from "./tenants.js";

/** The route table: every route the API serves (and documents, and the isolation and fuzz tests walk). */
export const apiRoutes: readonly RouteSpec[] = [
  ...systemRoutes(() => apiRoutes),
  ...peopleRoutes,
  ...tenantRoutes,
  ...planRoutes,
  ...tenantActionRoutes,
  ...keyRoutes,
  ...plugRoutes,
  ...tenantPlugRoutes,
  ...instanceRoutes,
  ...eventRoutes,
  ...auditRoutes,
  ...chatRoutes,
  ...approvalRoutes,
  ...alertRoutes,
];
