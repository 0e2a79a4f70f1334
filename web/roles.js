// roles.js - which views each role has, in menu order (a table: a role that
// appears later is a row here and views it reuses or adds in views.js).
import './whatif.js';   // the what-if and oversight pages (issue 26) join the views

export const ROLE_VIEWS = {
  procesregisseur: ['mijnzaken', 'mijnweek', 'triage', 'signalen', 'feed'],
  partner: ['onzezaken', 'taken', 'feed', 'signalen'],
  manager: ['cijfers', 'escalaties', 'zaken', 'signalen', 'watals'],
  admin: ['beheer', 'audit'],
  // The supervisor's role: signed heads and the audit trail, no case content.
  auditor: ['toezicht'],
  // The levels above the ZVH (issue 21): the escalations that reach them
  // and their dossiers, never a case file.
  partner_manager: ['escalaties', 'signalen'],
  bestuur: ['escalaties', 'signalen'],
};

// The roles that follow the live feed of events (feed.read); the others
// follow their alerts only.
export const FEED_ROLES = ['procesregisseur', 'partner', 'manager'];
