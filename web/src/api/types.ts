import type { components } from "./schema";

type Schemas = components["schemas"];

// The API's views, by the names the OpenAPI document gives them (src/api/responses/).
export type User = Schemas["User"];
export type Tenant = Schemas["Tenant"];
export type Member = Schemas["Member"];
export type Invitation = Schemas["Invitation"];
export type NewInvitation = Schemas["NewInvitation"];
export type ApiKey = Schemas["ApiKey"];
export type NewApiKey = Schemas["NewApiKey"];
export type PlugSummary = Schemas["PlugSummary"];
export type Plug = Schemas["Plug"];
export type PlugInput = Plug["inputs"][number];
export type Instance = Schemas["Instance"];
export type InstanceFailure = Schemas["InstanceFailure"];
export type InstanceHistory = Schemas["InstanceHistory"];
export type InstanceMetrics = Schemas["InstanceMetrics"];
export type DeployPlan = Schemas["DeployPlan"];
export type EventView = Schemas["Event"];
export type AuditEntry = Schemas["AuditEntry"];
export type Role = Tenant["role"];

export type InstallPlan = Schemas["Plan"];
export type TenantUsage = Schemas["TenantUsage"];
export type Approval = Schemas["Approval"];
export type ApprovalStatus = Approval["status"];
export type ApprovalPolicy = Schemas["ApprovalPolicy"];
export type Risk = Approval["risk"];
export type Turn = Schemas["Turn"];
export type TurnAction = Schemas["TurnAction"];
export type ConversationSummary = Schemas["ConversationSummary"];
export type Conversation = Schemas["Conversation"];
