// roles.js - which views each role has, in menu order (a table: a role that
// appears later, e.g. bestuur or partner_manager, is a row here and views
// it reuses or adds in views.js).
export const ROLE_VIEWS = {
  procesregisseur: ['mijnzaken', 'triage', 'signalen', 'feed'],
  partner: ['onzezaken', 'taken', 'feed', 'signalen'],
  manager: ['cijfers', 'escalaties', 'zaken', 'signalen'],
  admin: ['beheer', 'audit'],
};
