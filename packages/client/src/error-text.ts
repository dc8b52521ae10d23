import type { ErrorCode, FieldProblem, RequestProblem } from './errors.js';

/** The languages of the console and the portal. */
export type Locale = 'ru' | 'en';

type Texts = Record<Locale, string>;

/** What the person reads for each code when no reason says more. `{detail}`: the fields at fault, if any. */
export const CODE_TEXTS: Record<ErrorCode, Texts> = {
  BAD_USER_INPUT: { ru: 'Проверьте форму: {detail}', en: 'Please check the form: {detail}' },
  UNAUTHENTICATED: { ru: 'Сеанс завершён. Войдите снова.', en: 'Your session has ended. Please sign in again.' },
  FORBIDDEN: { ru: 'Ваша роль не позволяет это действие.', en: 'Your role does not allow this action.' },
  NOT_FOUND: {
    ru: 'Не найдено: возможно, запись удалена или относится к другому отделу.',
    en: 'Not found: it may have been removed or belongs to another department.',
  },
  CONFLICT: { ru: 'Кто-то другой уже изменил эту запись.', en: 'Someone else changed this in the meantime.' },
  RATE_LIMITED: { ru: 'Слишком много запросов. Подождите немного и повторите.', en: 'Too many requests. Wait a moment and try again.' },
  INTERNAL_SERVER_ERROR: {
    ru: 'Сервер не смог выполнить действие. Повторите позже.',
    en: 'The server could not do this. Try again later.',
  },
  NETWORK: {
    ru: 'Сервер недоступен. Проверьте соединение и повторите.',
    en: 'The server cannot be reached. Check the connection and try again.',
  },
};

/** The password rule (packages/server/src/auth/password-policy.ts), for forms to show before saving and for the refusal. */
export const PASSWORD_RULE: Texts = {
  ru: 'Не короче 10 символов, не только пробелы, не адрес почты и не распространённый пароль',
  en: 'At least 10 characters, not only spaces, not the e-mail address and not a common password',
};

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * A text for every reason the server sends (its `ERROR_REASONS`, in
 * packages/server/src/graphql/errors.ts; test/error-reasons.test.ts keeps
 * the two lists equal). `{detail}`: the fields at fault.
 */
export const REASON_TEXTS = {
  TRANSITION_NOT_ALLOWED: { ru: 'Этот шаг невозможен из текущей стадии.', en: 'This step is not possible from the current stage.' },
  STAGE_REQUIREMENTS: { ru: 'Заполните то, что нужно для этой стадии: {detail}.', en: 'Fill in what this stage needs: {detail}.' },
  WEAK_PASSWORD: {
    ru: `Выберите пароль надёжнее: ${lowerFirst(PASSWORD_RULE.ru)}.`,
    en: `Choose a stronger password: ${lowerFirst(PASSWORD_RULE.en)}.`,
  },
  SLUG_RESERVED: { ru: 'Этот адрес зарезервирован; выберите другой.', en: 'This address is reserved; choose another.' },
  INVISIBLE_CHARACTERS: {
    ru: 'В тексте есть невидимые или управляющие символы (например, пробелы нулевой ширины или метки направления, часто попадающие при вставке). Удалите их и сохраните снова.',
    en: 'The text contains invisible or control characters (for example, zero-width spaces or direction marks, often pasted by accident). Remove them and save again.',
  },
  TARGET_TOO_SHORT: {
    ru: 'Срок короче, чем допускает сервис (по умолчанию одна минута).',
    en: 'A target is shorter than this service allows (by default, one minute).',
  },
  DEFAULT_POLICY: {
    ru: 'Политику по умолчанию нельзя удалить; измените её сроки.',
    en: 'The default policy cannot be deleted; change its targets instead.',
  },
  IN_USE: {
    ru: 'Запись используется в других настройках; сначала уберите её оттуда.',
    en: 'This is in use elsewhere in the settings; remove it there first.',
  },
  REFERENCE: {
    ru: 'Запись связана с другими или ссылается на несуществующую.',
    en: 'This is referenced elsewhere, or refers to something that does not exist.',
  },
  ASSIGNEE_UNAVAILABLE: {
    ru: 'Этому сотруднику нельзя поручить работу: он отключён, ещё не принял приглашение или не состоит в этом отделе.',
    en: 'This staff member cannot be given work: they are deactivated, have not accepted their invitation yet, or are not in this department.',
  },
  AUTOMATED: { ru: 'Обращение похоже на автоматическое и не принято.', en: 'This submission looks automated and was not accepted.' },
  ACTION_NOT_DONE: {
    ru: 'Результативность проверяют после выполнения мероприятия.',
    en: 'Effectiveness is checked after the action is done.',
  },
  FOLLOW_UP_REQUIRED: {
    ru: 'Мероприятие нерезультативно: назначьте повторное мероприятие (описание, отдел, срок).',
    en: 'The action was not effective: set a follow-up action (description, department, due date).',
  },
  ALREADY_CHECKED: { ru: 'Результативность этого мероприятия уже проверена.', en: 'This action has been checked already.' },
  DEPARTMENT_ARCHIVED: { ru: 'Этот отдел в архиве: выберите другой.', en: 'This department is archived: choose another.' },
  CODE_ARCHIVED: { ru: 'Этот код в архиве: выберите другой.', en: 'This code is archived: choose another.' },
  OPEN_COMPLAINTS: {
    ru: 'В отделе есть открытые обращения ({count}). Передайте их в другие отделы или завершите, затем отправьте отдел в архив.',
    en: 'The department still has open complaints ({count}). Move them to other departments or finish them, then archive it.',
  },
  SELF_LINK: { ru: 'Обращение нельзя связать с самим собой.', en: 'A complaint cannot be linked to itself.' },
  ENDPOINT_LIMIT: {
    ru: 'Адресов вебхуков уже 20: удалите ненужный и добавьте снова.',
    en: 'The company already has 20 webhook endpoints: delete one you no longer need and add again.',
  },
  VIEW_LIMIT: {
    ru: 'Сохранённых видов слишком много: удалите ненужный и сохраните снова.',
    en: 'You have too many saved views: delete one you no longer need and save again.',
  },
  FILE_TOO_LARGE: { ru: 'Файл больше 10 МБ.', en: 'The file is larger than 10 MB.' },
  UNSUPPORTED_TYPE: {
    ru: 'Такой тип файла не принимается: прикрепите фото (JPEG, PNG, WebP, GIF, HEIC), PDF или видео (MP4, WebM, MOV).',
    en: 'This type of file is not accepted: attach photos (JPEG, PNG, WebP, GIF, HEIC), PDF documents or videos (MP4, WebM, MOV).',
  },
  EMPTY_FILE: { ru: 'Файл пуст.', en: 'The file is empty.' },
  QUERY_LIMIT: { ru: 'Запрос слишком велик. Запросите меньше за раз.', en: 'The request is too large. Ask for less at a time.' },
  GRAPHQL_PARSE_FAILED: { ru: 'Запрос не разобран: обновите страницу.', en: 'The request could not be read: reload the page.' },
  GRAPHQL_VALIDATION_FAILED: {
    ru: 'Запрос не подходит к серверу: обновите страницу.',
    en: 'The request does not fit the server: reload the page.',
  },
  BAD_REQUEST: { ru: 'Неверный запрос: обновите страницу.', en: 'A malformed request: reload the page.' },
  PERSISTED_QUERY_NOT_FOUND: {
    ru: 'Запрос не найден на сервере: обновите страницу.',
    en: 'The server does not know this request: reload the page.',
  },
  PERSISTED_QUERY_NOT_SUPPORTED: {
    ru: 'Сервер не принимает сохранённые запросы: обновите страницу.',
    en: 'The server does not take stored requests: reload the page.',
  },
  OPERATION_RESOLUTION_FAILURE: {
    ru: 'Неясно, какую операцию выполнить: обновите страницу.',
    en: 'It is not clear which operation to run: reload the page.',
  },
  DUPLICATE: { ru: 'Такая запись уже есть.', en: 'This already exists.' },
  RETRY: { ru: 'Помешало другое изменение. Повторите.', en: 'Another change got in the way. Try again.' },
  IDEMPOTENCY_KEY_REUSED: {
    ru: 'Этот ключ уже использован для другого обращения.',
    en: 'This key was already used for a different complaint.',
  },
  SCOPE_MISSING: {
    ru: 'У ключа интеграции нет права на это действие.',
    en: "The integration's key does not have the scope for this action.",
  },
  ADDRESS_NOT_ALLOWED: {
    ru: 'С этого адреса ключ интеграции использовать нельзя.',
    en: "The integration's key may not be used from this address.",
  },
  KEY_EXPIRED: { ru: 'Срок действия ключа интеграции истёк.', en: "The integration's key has expired." },
  KEY_REVOKED: { ru: 'Ключ интеграции отозван.', en: "The integration's key has been revoked." },
  MAILBOX_UNREACHABLE: {
    ru: 'Не удалось подключиться к почтовому серверу: проверьте адрес и порт.',
    en: 'Could not connect to the mail server: check its address and port.',
  },
  MAILBOX_ADDRESS_NOT_ALLOWED: {
    ru: 'Этот адрес во внутренней сети: подключаться к нему нельзя.',
    en: 'This address is in a private network: it cannot be used.',
  },
  MAILBOX_TLS: {
    ru: 'Не удалось установить защищённое соединение: проверьте вид шифрования и сертификат сервера.',
    en: "Could not set up an encrypted connection: check the encryption setting and the server's certificate.",
  },
  MAILBOX_LOGIN_FAILED: {
    ru: 'Почтовый сервер не принял имя пользователя или пароль.',
    en: 'The mail server did not accept the user name or password.',
  },
  MAILBOX_FOLDER_MISSING: { ru: 'В ящике нет такой папки.', en: 'The mailbox has no such folder.' },
  LINK_INVALID: {
    ru: 'Ссылка неверна. Проверьте, что она скопирована целиком.',
    en: 'This link is not valid. Check that it was copied in full.',
  },
  LINK_EXPIRED: { ru: 'Срок действия ссылки истёк. Попросите новую.', en: 'This link has expired. Ask for a new one.' },
  LINK_USED: { ru: 'Ссылка уже использована: каждая действует один раз.', en: 'This link has been used already: each works once.' },
  LINK_REVOKED: {
    ru: 'Ссылка больше не действует: её заменила новая или её отозвали.',
    en: 'This link no longer works: a newer one replaced it, or it was revoked.',
  },
  ADDRESS_UNCONFIRMED: {
    ru: 'Сначала подтвердите адрес администратора компании по ссылке из письма.',
    en: "Confirm the company admin's address first, with the link in the mail.",
  },
  NOT_INVITED: { ru: 'Этот сотрудник уже принял приглашение.', en: 'This staff member has accepted the invitation already.' },
  INVITATION_LIMIT: {
    ru: 'Компания уже отправила столько приглашений, сколько можно за час. Повторите позже.',
    en: 'Your company has sent as many invitations as it may this hour. Try again later.',
  },
  UNSAFE_URL: {
    ru: 'Адрес не подходит: нужен HTTPS-адрес в интернете, не во внутренней сети.',
    en: 'This address cannot be used: it must be an HTTPS address on the internet, not in a private network.',
  },
  ALREADY_LINKED: {
    ru: 'Эти обращения уже связаны по-другому; сначала уберите связь.',
    en: 'These complaints are already linked another way; remove that link first.',
  },
  SURVEY_ANSWERED: { ru: 'На этот опрос уже ответили. Спасибо!', en: 'This survey has already been answered. Thank you!' },
  SURVEY_LINK_INVALID: {
    ru: 'Ссылка на опрос неверна. Проверьте, что она скопирована целиком.',
    en: 'This survey link is not valid. Check that it was copied in full.',
  },
  SURVEY_LINK_EXPIRED: { ru: 'Срок ответа на этот опрос истёк.', en: 'The time to answer this survey has passed.' },
  NO_SURVEY: {
    ru: 'Компания не проводит опрос после решения; сначала включите опрос.',
    en: 'The company sends no survey after resolution; activate one first.',
  },
  CONCURRENT_UPLOADS: {
    ru: 'Слишком много файлов загружается одновременно; дождитесь окончания.',
    en: 'Too many files are uploading at once; wait for one to finish.',
  },
  CONCURRENT_EXPORTS: {
    ru: 'Ваша компания уже скачивает несколько списков; дождитесь, пока один из них загрузится.',
    en: 'Your company is already downloading several lists; wait for one to finish.',
  },
  PENDING_UPLOADS: {
    ru: 'Слишком много загруженных и не отправленных файлов; отправьте их или подождите.',
    en: 'Too many files uploaded and not yet sent; send them or wait.',
  },
  QUERY_TIMEOUT: {
    ru: 'Запрос выполнялся слишком долго; запросите меньше или повторите позже.',
    en: 'The request took too long; ask for less or try again later.',
  },
  LOCK_TIMEOUT: {
    ru: 'Запись сейчас меняет кто-то другой; повторите через минуту.',
    en: 'Someone else is changing this right now; try again shortly.',
  },
  LIVE_QUEUE_FULL: {
    ru: 'Обновления в реальном времени отстали; страница переподключится.',
    en: 'Live updates fell behind; the page reconnects.',
  },
  LIVE_LIMIT: { ru: 'Открыто слишком много live-подписок; закройте лишние вкладки.', en: 'Too many live views are open; close some tabs.' },
  BUSY: { ru: 'Сервис сейчас загружен; повторите через несколько секунд.', en: 'The service is busy; try again in a few seconds.' },
} as const satisfies Record<string, Texts>;

export type ErrorReason = keyof typeof REASON_TEXTS;

/** What a broken validation rule means, in words (class-validator's rule names, as the server sends them). */
export const CONSTRAINT_TEXTS: Record<string, Texts> = {
  maxLength: { ru: 'слишком длинно', en: 'too long' },
  minLength: { ru: 'слишком коротко', en: 'too short' },
  isEmail: { ru: 'не похоже на адрес e-mail', en: 'not an e-mail address' },
  isIn: { ru: 'недопустимое значение', en: 'not an allowed value' },
  isInt: { ru: 'нужно целое число', en: 'a whole number is needed' },
  min: { ru: 'слишком мало', en: 'too small' },
  max: { ru: 'слишком много', en: 'too large' },
  matches: { ru: 'неверный формат', en: 'wrong format' },
  arrayMaxSize: { ru: 'слишком много элементов', en: 'too many items' },
  arrayMinSize: { ru: 'слишком мало элементов', en: 'too few items' },
  plainText: { ru: 'недопустимая длина или символы', en: 'wrong length or characters' },
  isEntityId: { ru: 'неверная ссылка', en: 'not a valid reference' },
};

/** `{detail}` filled in; with no detail, the sentence ends where it began ("Проверьте форму."). `{count}`: the problem's count. */
const fill = (text: string, detail: string, count?: number) =>
  (detail ? text.replace('{detail}', detail) : text.replace(/: \{detail\}\.?$/, '.')).replace('{count}', String(count ?? '?'));

/** Whether the server's `reason` is one the clients have texts for (an own key: not `constructor`, say). */
export const isReason = (reason: string | undefined): reason is ErrorReason => !!reason && Object.hasOwn(REASON_TEXTS, reason);

const constraintsText = (f: FieldProblem, locale: Locale) =>
  (f.constraints ?? []).map((c) => (CONSTRAINT_TEXTS[c] ?? CONSTRAINT_TEXTS.matches!)[locale]).join(', ');

/**
 * What went wrong with one field, in the reader's language, for showing
 * under its input: its reason's text, or the rules it broke, or, for the
 * requirements of a stage, that it is needed.
 */
export function fieldText(f: FieldProblem, locale: Locale, requestReason?: string): string {
  if (isReason(f.reason)) return REASON_TEXTS[f.reason][locale];
  if (f.constraints?.length) return constraintsText(f, locale);
  if (requestReason === 'STAGE_REQUIREMENTS') return locale === 'ru' ? 'нужно для этой стадии' : 'needed for this stage';
  if (isReason(requestReason)) return REASON_TEXTS[requestReason][locale];
  return locale === 'ru' ? 'проверьте значение' : 'check the value';
}

/**
 * A failed request in the reader's language: the reason's text when the
 * server gave one, else the code's, with the fields at fault (named by
 * `labels`, else by their path, and what rules they broke). The server's
 * own message is English: it is added for English readers only, where
 * nothing else says what happened (a code without a reason or fields).
 */
export function errorText(problem: RequestProblem, locale: Locale, labels: Record<string, string> = {}): string {
  const detail = problem.fields.length
    ? problem.fields
        .map((f) => {
          const label = labels[f.field] ?? labels[f.field.split('.').pop()!] ?? f.field;
          const rules = constraintsText(f, locale);
          return rules ? `${label} (${rules})` : label;
        })
        .join('; ')
    : locale === 'en'
      ? problem.message
      : '';
  if (isReason(problem.reason)) return fill(REASON_TEXTS[problem.reason][locale], detail, problem.count);
  return fill(CODE_TEXTS[problem.code][locale], detail);
}

/** The fields at fault as `{ field: text }` (the last part of the path), for showing each under its input. */
export function fieldErrors(problem: RequestProblem, locale: Locale): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of problem.fields) errors[f.field.split('.').pop()!] = fieldText(f, locale, problem.reason);
  return errors;
}
