import { Tenant } from '../modules/tenant/tenant.entity.js';
import { Department } from '../modules/department/department.entity.js';
import { User, UserDepartment } from '../modules/user/user.entity.js';
import { Category } from '../modules/category/category.entity.js';
import { Customer } from '../modules/complaint/customer.entity.js';
import { Complaint } from '../modules/complaint/complaint.entity.js';
import { CorrectiveAction } from '../modules/complaint/corrective-action.entity.js';
import { Message } from '../modules/message/message.entity.js';
import { TimelineEvent } from '../modules/complaint/timeline-event.entity.js';
import { BusinessCalendar } from '../modules/sla/business-calendar.entity.js';
import { SlaPolicy } from '../modules/sla/sla-policy.entity.js';
import { LegalPreset } from '../modules/sla/legal-preset.entity.js';
import { SlaBreach } from '../modules/sla/sla-breach.entity.js';
import { Attachment } from '../modules/attachment/attachment.entity.js';
import { ResponseTemplate } from '../modules/template/template.entity.js';
import { ComplaintLink } from '../modules/complaint/complaint-link.entity.js';
import { SavedView } from '../modules/saved-view/saved-view.entity.js';
import { Integration } from '../modules/integration/integration.entity.js';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../modules/webhook/webhook.entity.js';
import { Cause, RejectionReason } from '../modules/cause/cause.entity.js';
import { OutboundMail } from '../modules/mail/mail.entity.js';
import { MailMailbox } from '../modules/mail/mailbox.entity.js';
import { NotificationTemplateRow } from '../modules/mail/notification-template.entity.js';
import { StaffNotificationSettingRow } from '../modules/mail/staff-notification-setting.entity.js';
import { Survey, SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse, SurveyVersion } from '../modules/survey/survey.entity.js';
import { SurveySchedule } from '../modules/survey/survey-schedule.entity.js';

export const entities = [
  Tenant,
  Department,
  User,
  UserDepartment,
  Category,
  Customer,
  Complaint,
  CorrectiveAction,
  Message,
  TimelineEvent,
  BusinessCalendar,
  SlaPolicy,
  LegalPreset,
  SlaBreach,
  Attachment,
  ResponseTemplate,
  ComplaintLink,
  SavedView,
  Integration,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
  Cause,
  RejectionReason,
  OutboundMail,
  MailMailbox,
  NotificationTemplateRow,
  StaffNotificationSettingRow,
  Survey,
  SurveyVersion,
  SurveyQuestion,
  SurveyInvitation,
  SurveyResponse,
  SurveyAnswer,
  SurveySchedule,
];
