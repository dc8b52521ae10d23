/** Response templates of the demo tenants, in each one's language (all placeholders are valid: seed.test.ts checks). */
export const DEMO_TEMPLATES: Record<'ru' | 'en', ReadonlyArray<{ name: string; locale: 'ru' | 'en' | null; body: string }>> = {
  ru: [
    {
      name: 'Обращение получено',
      locale: 'ru',
      body:
        'Здравствуйте, {{customer.name}}!\n\nМы получили ваше обращение «{{subject}}» и зарегистрировали его под номером {{number}}. ' +
        'Ответим не позднее {{expectedBy}}.\n\nС уважением,\n{{agent.name}}\n{{company.name}}',
    },
    {
      name: 'Запрос фотографий',
      locale: 'ru',
      body:
        'Здравствуйте, {{customer.name}}!\n\nЧтобы разобраться с обращением {{number}}, пришлите, пожалуйста, фотографии товара, ' +
        'этикетки и чека. Пока мы ждём ваш ответ, срок рассмотрения приостановлен.\n\n{{agent.name}}, {{department.name}}',
    },
    {
      name: 'Статус обращения',
      locale: 'ru',
      body: 'Здравствуйте, {{customer.name}}! Статус обращения {{number}}: {{stage}}. Срок ответа — {{expectedBy}}.\n\n{{company.name}}',
    },
    {
      name: 'Передано в отдел',
      locale: null,
      body: '{{number}} → {{department.name}} ({{agent.name}})',
    },
  ],
  en: [
    {
      name: 'Complaint received',
      locale: 'en',
      body:
        'Dear {{customer.name}},\n\nThank you for contacting us about "{{subject}}". Your reference is {{number}}; ' +
        'you will hear from us by {{expectedBy}}.\n\nKind regards,\n{{agent.name}}\n{{company.name}}',
    },
    {
      name: 'Photos needed',
      locale: 'en',
      body:
        'Dear {{customer.name}},\n\nTo look into {{number}}, please send us photos of the product, its label and your receipt. ' +
        'The clock on your case is paused until we hear from you.\n\n{{agent.name}}, {{department.name}}',
    },
    {
      name: 'Status update',
      locale: 'en',
      body: 'Dear {{customer.name}}, your complaint {{number}} is now: {{stage}}. We will answer by {{expectedBy}}.\n\n{{company.name}}',
    },
    {
      name: 'Handed to a department',
      locale: null,
      body: '{{number}} → {{department.name}} ({{agent.name}})',
    },
  ],
};
