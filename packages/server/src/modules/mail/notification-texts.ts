import { registerEnumType } from 'type-graphql';
import type { Remedy } from '../complaint/complaint.enums.js';

/**
 * What a customer or a staff member is told by mail (docs/email.md); each is
 * also the kind of the mail it writes. The STAFF_ events go to staff
 * (modules/mail/staff-notifications.ts), the others to the customer.
 */
export enum NotificationEvent {
  REGISTERED = 'REGISTERED',
  QUESTION = 'QUESTION',
  PUBLIC_REPLY = 'PUBLIC_REPLY',
  DECISION = 'DECISION',
  FEEDBACK = 'FEEDBACK',
  CLOSED = 'CLOSED',
  STAFF_ASSIGNED = 'STAFF_ASSIGNED',
  STAFF_SLA = 'STAFF_SLA',
  STAFF_NEW_IN_INBOX = 'STAFF_NEW_IN_INBOX',
}
registerEnumType(NotificationEvent, {
  name: 'NotificationEvent',
  description:
    'To the customer: REGISTERED: received (with the tracking link); QUESTION / PUBLIC_REPLY: a public reply that asks something or not; ' +
    'DECISION: decided (remedy, amount); FEEDBACK: carried out, please rate (rating link); CLOSED: closed or rejected. ' +
    'To staff: STAFF_ASSIGNED: a complaint is assigned to them by someone else; STAFF_SLA: a deadline of a complaint of their department is at risk or breached; ' +
    'STAFF_NEW_IN_INBOX: a complaint new in their inbox: received, or moved into their department',
});

export type StaffEvent = NotificationEvent.STAFF_ASSIGNED | NotificationEvent.STAFF_SLA | NotificationEvent.STAFF_NEW_IN_INBOX;
export type CustomerEvent = Exclude<NotificationEvent, StaffEvent>;
export const STAFF_EVENTS: readonly StaffEvent[] = [
  NotificationEvent.STAFF_ASSIGNED,
  NotificationEvent.STAFF_SLA,
  NotificationEvent.STAFF_NEW_IN_INBOX,
];
export const isStaffEvent = (e: NotificationEvent): e is StaffEvent => (STAFF_EVENTS as readonly NotificationEvent[]).includes(e);

/** Whom a notification's text is written for: the admin page lists the two in sections of their own, and each knows its own placeholders. */
export enum NotificationAudience {
  CUSTOMER = 'CUSTOMER',
  STAFF = 'STAFF',
}
registerEnumType(NotificationAudience, {
  name: 'NotificationAudience',
  description: "CUSTOMER: mail to the complaint's customer; STAFF: mail to staff members",
});
export const audienceOf = (e: NotificationEvent): NotificationAudience =>
  isStaffEvent(e) ? NotificationAudience.STAFF : NotificationAudience.CUSTOMER;

export type NotificationLocale = 'ru' | 'en';
export interface NotificationText {
  subject: string;
  body: string;
}

/** The built-in texts, used until a company writes its own. `{{message}}` is the reply's text, only in reply mails. */
export const DEFAULT_NOTIFICATION_TEXTS: Record<NotificationEvent, Record<NotificationLocale, NotificationText>> = {
  REGISTERED: {
    en: {
      subject: 'Your complaint is received: {{subject}}',
      body:
        'Hello {{customer.name}},\n\nwe have received your complaint "{{subject}}" and registered it under number {{number}}.\n' +
        'You can follow it, answer our questions and add photos here:\n{{trackingLink}}\n\nTo write to us, simply reply to this e-mail.\n\n{{company.name}}',
    },
    ru: {
      subject: 'Ваше обращение получено: {{subject}}',
      body:
        'Здравствуйте, {{customer.name}}!\n\nМы получили ваше обращение «{{subject}}» и зарегистрировали его под номером {{number}}.\n' +
        'Следить за ним, отвечать на вопросы и добавлять фотографии можно здесь:\n{{trackingLink}}\n\nЧтобы написать нам, просто ответьте на это письмо.\n\n{{company.name}}',
    },
  },
  QUESTION: {
    en: {
      subject: 'A question about your complaint {{number}}',
      body: "{{message}}\n\nPlease answer by replying to this e-mail or on the complaint's page:\n{{trackingLink}}\n\n{{agent.name}}\n{{company.name}}",
    },
    ru: {
      subject: 'Вопрос по вашему обращению {{number}}',
      body: '{{message}}\n\nОтветьте, пожалуйста, на это письмо или на странице обращения:\n{{trackingLink}}\n\n{{agent.name}}\n{{company.name}}',
    },
  },
  PUBLIC_REPLY: {
    en: { subject: 'Reply to your complaint: {{subject}}', body: '{{message}}\n\n{{agent.name}}\n{{company.name}}\n{{trackingLink}}' },
    ru: { subject: 'Ответ по обращению: {{subject}}', body: '{{message}}\n\n{{agent.name}}\n{{company.name}}\n{{trackingLink}}' },
  },
  DECISION: {
    en: {
      subject: 'Decision on your complaint {{number}}',
      body:
        'Hello {{customer.name}},\n\nwe have decided on your complaint "{{subject}}": {{remedy}}.\n' +
        "The details are on the complaint's page:\n{{trackingLink}}\n\n{{company.name}}",
    },
    ru: {
      subject: 'Решение по вашему обращению {{number}}',
      body:
        'Здравствуйте, {{customer.name}}!\n\nПо вашему обращению «{{subject}}» принято решение: {{remedy}}.\n' +
        'Подробности — на странице обращения:\n{{trackingLink}}\n\n{{company.name}}',
    },
  },
  FEEDBACK: {
    en: {
      subject: 'How did we do? Complaint {{number}}',
      body:
        'Hello {{customer.name}},\n\nwe have carried out the decision on your complaint "{{subject}}".\n' +
        'Please tell us how satisfied you are; it takes a minute:\n{{ratingLink}}\n\n{{company.name}}',
    },
    ru: {
      subject: 'Оцените, пожалуйста, нашу работу: обращение {{number}}',
      body:
        'Здравствуйте, {{customer.name}}!\n\nМы выполнили решение по вашему обращению «{{subject}}».\n' +
        'Пожалуйста, оцените результат — это займёт минуту:\n{{ratingLink}}\n\n{{company.name}}',
    },
  },
  CLOSED: {
    en: {
      subject: 'Your complaint {{number}} is closed',
      body:
        'Hello {{customer.name}},\n\nyour complaint "{{subject}}" is now closed ({{stage}}). Thank you for telling us.\n' +
        'It stays on its page:\n{{trackingLink}}\n\n{{company.name}}',
    },
    ru: {
      subject: 'Ваше обращение {{number}} закрыто',
      body:
        'Здравствуйте, {{customer.name}}!\n\nВаше обращение «{{subject}}» закрыто ({{stage}}). Спасибо, что сообщили нам.\n' +
        'Оно остаётся на своей странице:\n{{trackingLink}}\n\n{{company.name}}',
    },
  },
  STAFF_ASSIGNED: {
    en: {
      subject: 'Assigned to you: {{subject}}',
      body:
        '{{agent.name}} has assigned the complaint {{number}} "{{subject}}" to you.\n\nCustomer: {{customer.name}}\nDepartment: {{department.name}}\n' +
        'Stage: {{stage}}\nDue: {{expectedBy}}\n\n{{complaintLink}}',
    },
    ru: {
      subject: 'Вам назначено обращение: {{subject}}',
      body:
        '{{agent.name}} назначает вам обращение {{number}} «{{subject}}».\n\nКлиент: {{customer.name}}\nПодразделение: {{department.name}}\n' +
        'Этап: {{stage}}\nСрок: {{expectedBy}}\n\n{{complaintLink}}',
    },
  },
  STAFF_SLA: {
    en: {
      subject: 'Deadline {{slaState}}: {{subject}}',
      body:
        'The deadline of the complaint {{number}} "{{subject}}" ({{department.name}}, stage {{stage}}) is {{slaState}} (due {{dueAt}}).\n\n' +
        'Customer: {{customer.name}}\n\n{{complaintLink}}',
    },
    ru: {
      subject: 'Срок {{slaState}}: {{subject}}',
      body:
        'Срок по обращению {{number}} «{{subject}}» ({{department.name}}, этап «{{stage}}») {{slaState}} (срок — {{dueAt}}).\n\n' +
        'Клиент: {{customer.name}}\n\n{{complaintLink}}',
    },
  },
  STAFF_NEW_IN_INBOX: {
    en: {
      subject: '{{arrival}}: {{subject}}',
      body: '{{arrival}}: {{number}} "{{subject}}" from {{customer.name}}.\nDepartment: {{department.name}}\n\n{{complaintLink}}',
    },
    ru: {
      subject: '{{arrival}}: {{subject}}',
      body: '{{arrival}}: {{number}} «{{subject}}» от клиента {{customer.name}}.\nПодразделение: {{department.name}}\n\n{{complaintLink}}',
    },
  },
};

/** `{{arrival}}`: how a complaint came into the inbox: new, or moved from another department (`{from}`, its name). */
export const ARRIVAL_PHRASES: Record<NotificationLocale, { new: string; moved: string }> = {
  en: { new: 'New complaint', moved: 'Moved to your department from "{from}"' },
  ru: { new: 'Новое обращение', moved: 'Передано в ваше подразделение из «{from}»' },
};

/** `{{slaState}}`: how a deadline stands when it fires. */
export const SLA_STATE_PHRASES: Record<NotificationLocale, Record<'AT_RISK' | 'BREACHED', string>> = {
  en: { AT_RISK: 'at risk', BREACHED: 'breached' },
  ru: { AT_RISK: 'под угрозой', BREACHED: 'нарушен' },
};

/** `{{remedy}}`: the decision as a phrase, with its amount where it has one (`{{amount}}` alone is the sum). */
export const REMEDY_PHRASES: Record<NotificationLocale, Record<Remedy, (amount: string) => string>> = {
  en: {
    REPLACE: () => 'we will replace the goods',
    REFUND: (a) => `we will refund you ${a}`.trim(),
    REPAIR: () => 'we will repair the goods',
    DISCOUNT: (a) => (a ? `we will reduce the price by ${a}` : 'we will reduce the price'),
    COMPENSATION: (a) => (a ? `we will pay you compensation of ${a}` : 'we will pay you compensation'),
    EXPLANATION: () => "we have explained the matter on the complaint's page",
  },
  ru: {
    REPLACE: () => 'мы заменим товар',
    REFUND: (a) => (a ? `мы вернём вам ${a}` : 'мы вернём вам деньги'),
    REPAIR: () => 'мы отремонтируем товар',
    DISCOUNT: (a) => (a ? `мы снизим цену на ${a}` : 'мы снизим цену'),
    COMPENSATION: (a) => (a ? `мы выплатим компенсацию ${a}` : 'мы выплатим компенсацию'),
    EXPLANATION: () => 'мы дали разъяснение на странице обращения',
  },
};

/** `{{stage}}` in staff mail: the stages as the console names them. */
export const STAFF_STAGE_LABELS: Record<NotificationLocale, Record<string, string>> = {
  en: {
    RECEIVED: 'Received',
    REGISTERED: 'Registered',
    ANALYSIS: 'Analysis',
    DECISION: 'Decision',
    IMPLEMENTATION: 'Implementation',
    FEEDBACK: 'Feedback',
    CLOSED: 'Closed',
    REJECTED: 'Rejected',
  },
  ru: {
    RECEIVED: 'Получено',
    REGISTERED: 'Зарегистрировано',
    ANALYSIS: 'Анализ',
    DECISION: 'Решение',
    IMPLEMENTATION: 'Исполнение',
    FEEDBACK: 'Обратная связь',
    CLOSED: 'Закрыто',
    REJECTED: 'Отклонено',
  },
};

/** `{{department.name}}` in staff mail for a complaint without a department yet. */
export const NO_DEPARTMENT: Record<NotificationLocale, string> = { en: 'not yet chosen', ru: 'ещё не выбрано' };
