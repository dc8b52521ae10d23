import { MailKind } from '../mail/mail.outbox.js';

export type AccountMailKind = typeof MailKind.INVITATION | typeof MailKind.PASSWORD_RESET | typeof MailKind.ADDRESS_CONFIRMATION;

export interface AccountMailValues {
  /** The recipient's name. */
  name: string;
  company: string;
  /** Who invited them (invitations only). */
  inviter?: string;
  /** The one-time link. */
  link: string;
  expiresAt: Date;
  timeZone: string;
  /** When the company is deleted if its address is still unconfirmed (address confirmations only). */
  deletesAt?: Date;
  /** Sent again by itself, a week before that deletion (address confirmations only). */
  reminder?: boolean;
}

type Texts = { subject: (v: AccountMailValues) => string; body: (v: AccountMailValues, until: string, deletes?: string) => string };

/** The account mails' texts in both languages; the company's language picks one. */
const TEXTS: Record<'ru' | 'en', Record<AccountMailKind, Texts>> = {
  ru: {
    [MailKind.INVITATION]: {
      subject: (v) => `Приглашение в ${v.company}`,
      body: (v, until) =>
        `Здравствуйте, ${v.name}!\n\n${v.inviter ?? 'Администратор'} приглашает вас работать с жалобами клиентов ` +
        `компании «${v.company}» в Reclaim.\n\nЗадайте пароль по ссылке — она действует один раз, до ${until}:\n${v.link}\n\n` +
        'Если вы не ждали этого письма, ничего не делайте: без пароля войти в ваш аккаунт нельзя.\n',
    },
    [MailKind.PASSWORD_RESET]: {
      subject: (v) => `Новый пароль для ${v.company}`,
      body: (v, until) =>
        `Здравствуйте, ${v.name}!\n\nКто-то (возможно, вы) попросил сменить пароль вашего аккаунта ` +
        `в компании «${v.company}».\n\nЗадайте новый пароль по ссылке — она действует один раз, до ${until}:\n${v.link}\n\n` +
        'Если вы не просили сменить пароль, ничего не делайте: прежний пароль продолжает действовать.\n',
    },
    [MailKind.ADDRESS_CONFIRMATION]: {
      subject: (v) => `${v.reminder ? 'Напоминание: п' : 'П'}одтвердите адрес для ${v.company}`,
      body: (v, until, deletes) =>
        `Здравствуйте, ${v.name}!\n\nКомпания «${v.company}» зарегистрирована в Reclaim с этим адресом администратора.\n\n` +
        `Подтвердите адрес по ссылке (до ${until}):\n${v.link}\n\n` +
        'Пока адрес не подтверждён, компания не может приглашать сотрудников и получать почту.\n' +
        (deletes ? `Если адрес не будет подтверждён до ${deletes}, компания будет удалена вместе со всеми данными.\n` : ''),
    },
  },
  en: {
    [MailKind.INVITATION]: {
      subject: (v) => `You are invited to ${v.company}`,
      body: (v, until) =>
        `Hello ${v.name},\n\n${v.inviter ?? 'An administrator'} invites you to handle customer complaints ` +
        `of ${v.company} in Reclaim.\n\nSet your password with this link; it works once, until ${until}:\n${v.link}\n\n` +
        'If you did not expect this mail, do nothing: nobody can sign in to your account without a password.\n',
    },
    [MailKind.PASSWORD_RESET]: {
      subject: (v) => `A new password for ${v.company}`,
      body: (v, until) =>
        `Hello ${v.name},\n\nSomeone (perhaps you) asked to change the password of your account at ${v.company}.\n\n` +
        `Set a new password with this link; it works once, until ${until}:\n${v.link}\n\n` +
        'If you did not ask for this, do nothing: your password stays as it is.\n',
    },
    [MailKind.ADDRESS_CONFIRMATION]: {
      subject: (v) => `${v.reminder ? 'Reminder: c' : 'C'}onfirm your address for ${v.company}`,
      body: (v, until, deletes) =>
        `Hello ${v.name},\n\n${v.company} signed up to Reclaim with this address as its admin's.\n\n` +
        `Confirm the address with this link (until ${until}):\n${v.link}\n\n` +
        'Until the address is confirmed the company cannot invite staff nor receive mail.\n' +
        (deletes ? `If the address is not confirmed by ${deletes}, the company will be deleted with everything in it.\n` : ''),
    },
  },
};

/** The subject and text of an account mail, in `locale` (ru unless en), its moments in the company's time zone. */
export function accountMail(kind: AccountMailKind, locale: string, v: AccountMailValues): { subject: string; text: string } {
  const lang = locale === 'en' ? 'en' : 'ru';
  const moment = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'ru-RU', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: v.timeZone,
  });
  const texts = TEXTS[lang][kind];
  return { subject: texts.subject(v), text: texts.body(v, moment.format(v.expiresAt), v.deletesAt && moment.format(v.deletesAt)) };
}
