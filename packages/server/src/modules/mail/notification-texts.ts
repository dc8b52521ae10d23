import { registerEnumType } from 'type-graphql';
import type { Remedy } from '../complaint/complaint.enums.js';

/** What a customer is told by mail (docs/email.md); each is also the kind of the mail it writes. */
export enum NotificationEvent {
  REGISTERED = 'REGISTERED',
  QUESTION = 'QUESTION',
  PUBLIC_REPLY = 'PUBLIC_REPLY',
  DECISION = 'DECISION',
  FEEDBACK = 'FEEDBACK',
  CLOSED = 'CLOSED',
}
registerEnumType(NotificationEvent, {
  name: 'NotificationEvent',
  description: 'REGISTERED: received (with the tracking link); QUESTION / PUBLIC_REPLY: a public reply that asks something or not; '
    + 'DECISION: decided (remedy, amount); FEEDBACK: carried out, please rate (rating link); CLOSED: closed or rejected',
});

export type NotificationLocale = 'ru' | 'en';
export interface NotificationText { subject: string; body: string }

/** The built-in texts, used until a company writes its own. `{{message}}` is the reply's text, only in reply mails. */
export const DEFAULT_NOTIFICATION_TEXTS: Record<NotificationEvent, Record<NotificationLocale, NotificationText>> = {
  REGISTERED: {
    en: {
      subject: 'Your complaint is received: {{subject}}',
      body: 'Hello {{customer.name}},\n\nwe have received your complaint "{{subject}}" and registered it under number {{number}}.\n'
        + 'You can follow it, answer our questions and add photos here:\n{{trackingLink}}\n\nTo write to us, simply reply to this e-mail.\n\n{{company.name}}',
    },
    ru: {
      subject: 'Ваше обращение получено: {{subject}}',
      body: 'Здравствуйте, {{customer.name}}!\n\nМы получили ваше обращение «{{subject}}» и зарегистрировали его под номером {{number}}.\n'
        + 'Следить за ним, отвечать на вопросы и добавлять фотографии можно здесь:\n{{trackingLink}}\n\nЧтобы написать нам, просто ответьте на это письмо.\n\n{{company.name}}',
    },
  },
  QUESTION: {
    en: {
      subject: 'A question about your complaint {{number}}',
      body: '{{message}}\n\nPlease answer by replying to this e-mail or on the complaint\'s page:\n{{trackingLink}}\n\n{{agent.name}}\n{{company.name}}',
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
      body: 'Hello {{customer.name}},\n\nwe have decided on your complaint "{{subject}}": {{remedy}}.\n'
        + 'The details are on the complaint\'s page:\n{{trackingLink}}\n\n{{company.name}}',
    },
    ru: {
      subject: 'Решение по вашему обращению {{number}}',
      body: 'Здравствуйте, {{customer.name}}!\n\nПо вашему обращению «{{subject}}» принято решение: {{remedy}}.\n'
        + 'Подробности — на странице обращения:\n{{trackingLink}}\n\n{{company.name}}',
    },
  },
  FEEDBACK: {
    en: {
      subject: 'How did we do? Complaint {{number}}',
      body: 'Hello {{customer.name}},\n\nwe have carried out the decision on your complaint "{{subject}}".\n'
        + 'Please tell us how satisfied you are; it takes a minute:\n{{ratingLink}}\n\n{{company.name}}',
    },
    ru: {
      subject: 'Оцените, пожалуйста, нашу работу: обращение {{number}}',
      body: 'Здравствуйте, {{customer.name}}!\n\nМы выполнили решение по вашему обращению «{{subject}}».\n'
        + 'Пожалуйста, оцените результат — это займёт минуту:\n{{ratingLink}}\n\n{{company.name}}',
    },
  },
  CLOSED: {
    en: {
      subject: 'Your complaint {{number}} is closed',
      body: 'Hello {{customer.name}},\n\nyour complaint "{{subject}}" is now closed ({{stage}}). Thank you for telling us.\n'
        + 'It stays on its page:\n{{trackingLink}}\n\n{{company.name}}',
    },
    ru: {
      subject: 'Ваше обращение {{number}} закрыто',
      body: 'Здравствуйте, {{customer.name}}!\n\nВаше обращение «{{subject}}» закрыто ({{stage}}). Спасибо, что сообщили нам.\n'
        + 'Оно остаётся на своей странице:\n{{trackingLink}}\n\n{{company.name}}',
    },
  },
};

/** `{{remedy}}`: the decision as a phrase, with its amount where it has one (`{{amount}}` alone is the sum). */
export const REMEDY_PHRASES: Record<NotificationLocale, Record<Remedy, (amount: string) => string>> = {
  en: {
    REPLACE: () => 'we will replace the goods', REFUND: (a) => `we will refund you ${a}`.trim(), REPAIR: () => 'we will repair the goods',
    DISCOUNT: (a) => (a ? `we will reduce the price by ${a}` : 'we will reduce the price'),
    COMPENSATION: (a) => (a ? `we will pay you compensation of ${a}` : 'we will pay you compensation'),
    EXPLANATION: () => 'we have explained the matter on the complaint\'s page',
  },
  ru: {
    REPLACE: () => 'мы заменим товар', REFUND: (a) => (a ? `мы вернём вам ${a}` : 'мы вернём вам деньги'), REPAIR: () => 'мы отремонтируем товар',
    DISCOUNT: (a) => (a ? `мы снизим цену на ${a}` : 'мы снизим цену'),
    COMPENSATION: (a) => (a ? `мы выплатим компенсацию ${a}` : 'мы выплатим компенсацию'),
    EXPLANATION: () => 'мы дали разъяснение на странице обращения',
  },
};
