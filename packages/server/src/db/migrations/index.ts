import { Foundation1763900000000 } from './1763900000000-foundation.js';
import { Outbox1764000000000 } from './1764000000000-outbox.js';
import { Sla1764100000000 } from './1764100000000-sla.js';
import { Attachments1764200000000 } from './1764200000000-attachments.js';
import { Templates1764300000000 } from './1764300000000-templates.js';
import { IdempotencyPayload1764400000000 } from './1764400000000-idempotency-payload.js';
import { CredentialsVersion1764420000000 } from './1764420000000-credentials-version.js';
import { UploadParts1764440000000 } from './1764440000000-upload-parts.js';
import { SlaFairPasses1764450000000 } from './1764450000000-sla-fair-passes.js';
import { ComplaintContact1764460000000 } from './1764460000000-complaint-contact.js';
import { SearchNormalised1764470000000 } from './1764470000000-search-normalised.js';
import { MessageQuestion1764480000000 } from './1764480000000-message-question.js';
import { TenantCurrency1764490000000 } from './1764490000000-tenant-currency.js';
import { CountryHolidays1764500000000 } from './1764500000000-country-holidays.js';
import { CapaRegister1764530000000 } from './1764530000000-capa-register.js';
import { RelatedComplaints1764550000000 } from './1764550000000-related-complaints.js';
import { SavedViews1764520000000 } from './1764520000000-saved-views.js';
import { NodeRole1764560000000 } from './1764560000000-node-role.js';
import { Integrations1764590000000 } from './1764590000000-integrations.js';
import { Analysis1764600000000 } from './1764600000000-analysis.js';
import { Webhooks1764610000000 } from './1764610000000-webhooks.js';
import { AnalysisSpeed1764612000000 } from './1764612000000-analysis-speed.js';
import { WebhookAttemptErrors1764630000000 } from './1764630000000-webhook-attempt-errors.js';
import { Mail1764620000000 } from './1764620000000-mail.js';
import { NotificationTemplates1764635000000 } from './1764635000000-notification-templates.js';
import { Mailboxes1764690000000 } from './1764690000000-mailboxes.js';
import { SurveySchedules1764700000000 } from './1764700000000-survey-schedules.js';
import { SurveyFigures1764710000000 } from './1764710000000-survey-figures.js';
import { SurveyFollowUp1764720000000 } from './1764720000000-survey-follow-up.js';
import { MailErrors1764730000000 } from './1764730000000-mail-errors.js';
import { InboundTooLarge1764740000000 } from './1764740000000-inbound-too-large.js';
import { SurveyScheduleFailures1764750000000 } from './1764750000000-survey-schedule-failures.js';
import { LogRetention1764760000000 } from './1764760000000-log-retention.js';
import { OutboxPurge1764770000000 } from './1764770000000-outbox-purge.js';
import { UnconfirmedCompanies1764780000000 } from './1764780000000-unconfirmed-companies.js';
import { DefinerReads1764790000000 } from './1764790000000-definer-reads.js';
import { DeletionReminder1764810000000 } from './1764810000000-deletion-reminder.js';
import { ErrorCodesAgain1764800000000 } from './1764800000000-error-codes-again.js';
import { MailKinds1764645000000 } from './1764645000000-mail-kinds.js';
import { StaffNotifications1764660000000 } from './1764660000000-staff-notifications.js';
import { Surveys1764680000000 } from './1764680000000-surveys.js';
import { InboundMail1764640000000 } from './1764640000000-inbound-mail.js';
import { AccountMail1764650000000 } from './1764650000000-account-mail.js';
import { InboundClosed1764670000000 } from './1764670000000-inbound-closed.js';

/** Every migration, oldest first. */
export const migrations = [
  Foundation1763900000000,
  Outbox1764000000000,
  Sla1764100000000,
  Attachments1764200000000,
  Templates1764300000000,
  IdempotencyPayload1764400000000,
  CredentialsVersion1764420000000,
  UploadParts1764440000000,
  SlaFairPasses1764450000000,
  ComplaintContact1764460000000,
  SearchNormalised1764470000000,
  MessageQuestion1764480000000,
  TenantCurrency1764490000000,
  CountryHolidays1764500000000,
  CapaRegister1764530000000,
  RelatedComplaints1764550000000,
  SavedViews1764520000000,
  NodeRole1764560000000,
  Integrations1764590000000,
  Analysis1764600000000,
  Webhooks1764610000000,
  AnalysisSpeed1764612000000,
  Mail1764620000000,
  WebhookAttemptErrors1764630000000,
  NotificationTemplates1764635000000,
  InboundMail1764640000000,
  MailKinds1764645000000,
  AccountMail1764650000000,
  StaffNotifications1764660000000,
  InboundClosed1764670000000,
  Surveys1764680000000,
  Mailboxes1764690000000,
  SurveySchedules1764700000000,
  SurveyFigures1764710000000,
  SurveyFollowUp1764720000000,
  MailErrors1764730000000,
  InboundTooLarge1764740000000,
  SurveyScheduleFailures1764750000000,
  LogRetention1764760000000,
  OutboxPurge1764770000000,
  UnconfirmedCompanies1764780000000,
  DefinerReads1764790000000,
  ErrorCodesAgain1764800000000,
  DeletionReminder1764810000000,
];
