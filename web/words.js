// words.js - the engine's news in the reader's language: event types,
// norms, escalation levels and the readable line of an alert.  The engine's
// own line (`text`, CONTRACT.md) is English; the app says the same from the
// alert's fields (kind, norm, item, level, since, resolved.why), so a Dutch
// reader never meets an English sentence.  English mode shows the engine's
// line as it is.
import { getLang, when } from './i18n.js';

const events = {
  'action.completed': 'actie afgerond', 'aftercare.checked': 'nazorgcheck gedaan', 'case.assigned': 'zaak toegewezen',
  'case.closed': 'zaak afgesloten', 'case.ended': 'zaak beëindigd', 'case.erased': 'zaak gewist',
  'case.escalated': 'zaak opgeschaald', 'case.reopened': 'zaak heropend', 'case.reported': 'zaak gemeld',
  'case.restricted': 'verwerking beperkt', 'case.unrestricted': 'beperking opgeheven',
  'escalation.resolved': 'besluit over escalatie', 'evaluation.held': 'evaluatieoverleg gehouden',
  'evaluation.scheduled': 'evaluatieoverleg gepland', 'info.provided': 'informatie gegeven',
  'info.requested': 'informatie gevraagd', 'intake.admitted': 'toegelaten na intake',
  'intake.info_requested': 'meer informatie gevraagd bij intake', 'intake.rejected': 'niet toegelaten na intake',
  'intake.started': 'intake gestart', 'item.released': 'onderdeel vrijgegeven', 'meeting.held': 'casusoverleg gehouden',
  'meeting.rescheduled': 'casusoverleg verzet', 'meeting.scheduled': 'casusoverleg gepland',
  'partner.joined': 'partner aangesloten', 'person.added': 'persoon toegevoegd', 'person.removed': 'persoon verwijderd',
  'person.erased': 'gegevens van een persoon gewist', 'person.shared': 'persoon gedeeld met organisaties',
  'perspective.recorded': 'perspectief van de cliënt vastgelegd',
  'phase.advanced': 'volgende fase', 'phase.relapsed': 'terugval', 'plan.agreed': 'plan vastgesteld',
  'plan.agreement': 'ingestemd met plan', 'plan.proposed': 'plan voorgesteld',
  'plan.revision_proposed': 'herziening van het plan voorgesteld', 'review.held': 'evaluatie gehouden',
  'stagnation.cleared': 'stagnatie opgeheven', 'stagnation.detected': 'stagnatie gesignaleerd',
  'subject.corrected': 'gegevens gecorrigeerd', 'subject.decided': 'AVG-verzoek besloten',
  'subject.partly_decided': 'AVG-verzoek deels besloten', 'subject.requested': 'AVG-verzoek ingediend',
};

// What was to happen by the norm's due time, and what the procesregisseur
// does now (schemas/norm_words.c, in Dutch).
const norms = {
  'intake.start': ['de start van de intake', 'start de intake'],
  'intake.decision': ['het intakebesluit, gemeld aan de melder', 'besluit over de toelating'],
  'intake.more_info': ['de extra informatie gevraagd bij de intake', 'besluit met wat er is, of vraag de melder opnieuw'],
  'info.answer': ['het antwoord op een informatieverzoek', 'zorg voor het antwoord van de organisatie'],
  'meeting.held': ['het casusoverleg', 'plan en houd het casusoverleg'],
  'meeting.before_release': ['een casusoverleg vóór de datum van vrijlating', 'houd het casusoverleg vóór de vrijlating'],
  'plan.agreed': ['instemming met het plan van aanpak', 'zorg dat elke betrokken organisatie instemt met het plan'],
  'plan.before_release': ['instemming met het plan vóór de datum van vrijlating', 'zorg voor instemming vóór de vrijlating'],
  'action.done': ['een actie uit het plan', 'zorg dat de eigenaar de actie afrondt, of draag haar over'],
  review: ['een evaluatie van de zaak (elke 6 weken)', 'houd een evaluatie'],
  progress: ['voortgang in de zaak (een actie afgerond of een evaluatie)', 'zorg dat een actie wordt afgerond of houd een evaluatie'],
  aftercare: ['de nazorgcheck na het afsluiten', 'doe de nazorgcheck'],
  'escalation.decision': ['een besluit over de escalatie', 'zorg dat het niveau dat de escalatie heeft, besluit'],
  'subject.answer': ['het antwoord op een AVG-verzoek (één maand)', 'besluit over het verzoek'],
};

const levels = ['', 'de manager van het ZVH', 'het actie-overleg van de managers van de partners',
  'het bestuurlijk niveau (burgemeester, wethouder, hoofdofficier van justitie)'];

const closedWhy = {
  met: 'opgelost: het is gebeurd (de norm is gehaald)', decided: 'opgelost: over de escalatie is besloten',
  climbed: 'opgelost: de escalatie ging naar een hoger niveau', case_ended: 'opgelost: het werk aan de zaak is beëindigd',
};

const dutch = () => getLang() === 'nl';

export function eventName(type) { return (dutch() && events[type]) || type; }

// What was to happen, with its item: "actie a1 uit het plan".
export function normWhat(norm, item) {
  if (!dutch()) return norm || '';
  if (norm === 'action.done' && item) return `actie ${item} uit het plan`;
  if (norm === 'info.answer' && item) return `het antwoord op informatieverzoek ${item}`;
  return (norms[norm] && norms[norm][0]) || (norm || '').replace(/[._]/g, ' ');
}

export function levelName(level) {
  return dutch() ? `niveau ${level}: ${levels[level] || 'een hoger niveau'}` : `level ${level}`;
}

function expected(a, role) {
  if (a.kind === 'escalation') {
    if (role === 'manager') return a.level <= 1 ? 'besluit binnen 5 werkdagen'
      : 'leg het besluit van dat niveau binnen 5 werkdagen vast';
    if (role === 'procesregisseur') return 'geef dat niveau wat het nodig heeft om te besluiten; het werk aan de zaak gaat door';
    if (role === 'bestuur' && a.level >= 3) return 'besluit binnen 5 werkdagen';
    return 'neem deel aan het besluit';
  }
  if (role === 'procesregisseur') return `${(norms[a.norm] && norms[a.norm][1]) || 'zorg dat het gebeurt'}, of schaal op`;
  if (role === 'partner') {
    if (a.norm === 'action.done' && a.item) return `rond actie ${a.item} af, of laat de procesregisseur weten waarom dat niet kan`;
    if (a.norm === 'info.answer' && a.item) return `beantwoord verzoek ${a.item}`;
    return 'werk er met de procesregisseur aan';
  }
  if (role === 'manager') return 'volg het op met de procesregisseur, of zorg dat de zaak een procesregisseur heeft';
  return 'denk mee over hoe de zaak verder gaat';
}

// The alert's line; English mode: the engine's own.
export function alertText(a, role) {
  if (!dutch()) return a.resolved && a.resolved.text ? `${a.text || ''} (${a.resolved.text})` : (a.text || a.norm || '');
  let line;
  if (a.kind === 'ended') {
    line = `Zaak ${a.case} is vroegtijdig beëindigd: het werk, de termijnen en de escalatie zijn voorbij. ` +
      `Van u verwacht: niets meer${role === 'partner' ? '; uw organisatie leest de zaak niet meer' : ''}.`;
  } else if (a.kind === 'asked') {
    line = `Uw organisatie is om informatie gevraagd in zaak ${a.case} (verzoek ${a.item}). ` +
      `Van u verwacht: beantwoord verzoek ${a.item}.`;
  } else if (a.kind === 'escalation') {
    line = `Zaak ${a.case} is opgeschaald naar ${levelName(a.level)}, op ${when(a.since)}. Van u verwacht: ${expected(a, role)}.`;
  } else {
    const what = normWhat(a.norm, a.item);
    line = `Vastgelopen: ${what}, zaak ${a.case}; te laat sinds ${when(a.since)}. Van u verwacht: ${expected(a, role)}.`;
  }
  if (a.resolved && a.resolved.why) line += ` (${closedWhy[a.resolved.why] || 'opgelost'})`;
  return line;
}

// The dossier's ladder: who was alerted ("partner_manager:ggz").
export function alertedName(w) {
  if (!dutch()) return w;
  const [role, org] = String(w).split(':');
  const r = { procesregisseur: 'procesregisseur', manager: 'manager', partner_manager: 'partnermanager',
    bestuur: 'bestuur' }[role] || role;
  return org ? `${r} ${org}` : r;
}

export function byName(by) {
  return dutch() ? ({ engine: 'de engine (termijn verstreken)', manager: 'manager', bestuur: 'bestuur',
    procesregisseur: 'procesregisseur' }[by] || by) : by;
}

export function stepName(step) {
  return dutch() ? ({ escalated: 'opgeschaald', decided: 'besloten' }[step] || step) : step;
}

// A person's role in a household case (case.get persons[].role).
const personRoles = { subject: 'betrokkene', partner: 'partner', parent: 'ouder', child: 'kind',
  sibling: 'broer of zus', network: 'netwerk' };

export function personRole(role) {
  if (role == null) return null;
  return dutch() ? (personRoles[role] || role) : role;
}

// What a person's status in the case means, for the reader: a granted
// restriction or objection (AVG art. 18, 21) keeps their data but stops its
// processing at their request; an erased person's data is gone.
export function personStatus(p) {
  if (p.erased) return dutch() ? ['gewist', 'de gegevens van deze persoon zijn gewist']
    : ['erased', "this person's data was erased"];
  if (p.restricted) return dutch() ? ['beperkt', 'verwerking beperkt op verzoek van de persoon']
    : ['restricted', "processing restricted at the person's request"];
  return null;
}
