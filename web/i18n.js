// i18n.js - Dutch first, English as a switch; times in Europe/Amsterdam.
const dict = {
  nl: {
    'app.title': 'Regie', login: 'Inloggen', 'login.token': 'Uw toegangssleutel (token)',
    'login.hint': 'De sleutel die de beheerder u gaf. Hij wordt niet op dit apparaat bewaard.',
    'login.failed': 'Inloggen mislukt', logout: 'Uitloggen', lang: 'English', loading: 'Laden…',
    'view.mijnzaken': 'Mijn zaken', 'view.mijnweek': 'Mijn week',
    'week.intro': 'Casusoverleggen, termijnen en evaluaties van de zaken waarvan u procesregisseur bent, van {from} tot en met {to}; verlopen termijnen eerst.',
    'week.when': 'Wanneer', 'week.what': 'Wat', 'week.meeting': 'Casusoverleg', 'week.evaluation': 'Evaluatieoverleg',
    'week.review': 'Evaluatie', 'week.deadline': 'Termijn', 'week.meeting.what': 'het overleg met de partners',
    'no.week': 'Niets gepland deze week.', 'view.triage': 'Nieuwe meldingen', 'view.signalen': 'Signalen',
    'view.feed': 'Live', 'view.onzezaken': 'Onze zaken', 'view.taken': 'Openstaand', 'view.cijfers': 'Cijfers',
    'view.zaken': 'Zaken', 'view.escalaties': 'Escalaties', 'view.beheer': 'Beheer', 'view.audit': 'Verwerkingen',
    case: 'Zaak', cases: 'Zaken', state: 'Status', route: 'Route', deadline: 'Eerstvolgende termijn',
    stagnations: 'Stagnaties', urgency: 'Urgentie', target_group: 'Doelgroep', updated: 'Bijgewerkt',
    none: '— niet vastgelegd', empty: 'geen', yes: 'ja', no: 'nee', withheld: 'achtergehouden (geen inzage)', erased: 'gewist',
    'no.cases': 'Geen zaken.', 'no.alerts': 'Geen signalen.', 'no.events': 'Nog geen gebeurtenissen.',
    take: 'Oppakken', ack: 'Afhandelen', acked: 'afgehandeld', resolved: 'opgelost', open: 'open', timeline: 'Tijdlijn',
    steps: 'Stappen die nu kunnen', 'no.steps': 'Geen stappen mogelijk in deze status voor uw rol.',
    escalation: 'Escalatie', details: 'Gegevens', participants: 'Deelnemers', plan: 'Plan', perspectives: 'Perspectief van de cliënt', deadlines: 'Termijnen', requests: 'Informatieverzoeken',
    persons: 'Personen', person: 'Persoon', 'person.role': 'Rol in de zaak', 'person.minor': 'Minderjarig', 'minor.unknown': 'onbekend (of geen inzage)',
    wishes: 'Wensen (in eigen woorden)', 'no.perspectives': 'Nog geen perspectief vastgelegd.', meeting: 'Casusoverleg',
    subject: 'Betrokkene', submit: 'Uitvoeren', done: 'Gedaan', 'add.row': 'Rij toevoegen',
    'wd': 'werkdagen', 'overdue': 'verlopen', alert: 'Signaal', since: 'Sinds', kind: 'Soort', norm: 'Norm',
    'chart.states': 'Zaken per status', 'chart.routes': 'Open zaken per route', 'chart.lead': 'Doorlooptijd per stap (mediaan, dagen)',
    'chart.stag': 'Open stagnaties en escalaties', 'chart.overdue': 'Te laat per organisatie (acties en informatieverzoeken)',
    'no.overdue': 'Geen organisatie is te laat.', 'esc.open': 'Escalaties die op een besluit wachten',
    'actors': 'Actoren', 'audit.trail': 'Verwerkingslogboek', 'live.feed': 'Gebeurtenissen, live', dossier: 'Dossier',
    'due': 'Uiterlijk', 'org': 'Organisatie', 'action': 'Actie', 'question': 'Vraag', 'my.open': 'Openstaande acties en vragen van mijn organisatie',
    'err.bad_request': 'Het verzoek is niet in orde', 'err.unknown_op': 'Onbekende handeling',
    'err.unauthorized': 'Niet (meer) ingelogd', 'err.forbidden': 'Dit mag uw rol niet',
    'err.not_found': 'Niet gevonden (of geen inzage)', 'err.invalid_transition': 'Kan niet in deze status',
    'err.guard_failed': 'Voorwaarde niet vervuld', 'err.version_conflict': 'De zaak is intussen gewijzigd; ververs en probeer opnieuw',
    'err.storage_error': 'Opslagfout; probeer het opnieuw', 'err.overloaded': 'Te druk; probeer het zo opnieuw',
    'err.network': 'Geen verbinding met de server', 'err.other': 'Er ging iets mis',
    'esc.mine': 'Escalaties die u bereikten', 'esc.waiting': 'wacht op besluit', 'no.esc': 'Geen escalaties.',
    'esc.none': 'geen open escalatie',
    'dossier.intro': 'Het escalatiedossier: waar de zaak vastzit en wat er al besloten is. Geen persoonsgegevens en geen vrije tekst van de zaak.',
    stuck: 'Waar het vastzit', 'stuck.what': 'Wat had moeten gebeuren', 'stuck.none': 'Niets staat meer vast.',
    owes: 'Wie wat moet leveren', 'owes.action': 'actie', 'owes.request': 'informatieverzoek', item: 'Onderdeel',
    'overdue.since': 'Te laat sinds', ladder: 'Verloop van de escalatie', step: 'Stap', level: 'Niveau', by: 'Door',
    alerted: 'Gealarmeerd', 'audit.n': 'Nr.', 'audit.at': 'Tijdstip', 'audit.actor': 'Actor', 'audit.role': 'Rol',
    'audit.purpose': 'Doel', 'audit.refused': 'Geweigerd', 'audit.all': '(alle)', 'audit.from': 'Vanaf (datum)', 'audit.to': 'Tot en met (datum)',
    'audit.filter': 'Verwerkingen filteren', 'audit.apply': 'Filteren', 'audit.clear': 'Alle filters wissen',
    'audit.count': '{n} verwerkingen, nieuwste eerst.', 'audit.more': 'Alleen de oudste 10.000 zijn gelezen.',
    'no.audit': 'Geen verwerkingen die aan de filters voldoen.', table: 'Als tabel', 'open.alerts': 'open signalen',
    'list.hint': 'bijv. politie, ggz', 'map.hint': 'naam = waarde, één per regel', 'max.chars': 'max. N tekens',
    'date.time': 'datum en tijd', skip: 'Naar de inhoud', menu: 'Hoofdmenu', 'server.says': 'toelichting van de server',
  },
  en: {
    'app.title': 'Regie', login: 'Log in', 'login.token': 'Your access token',
    'login.hint': 'The token the administrator gave you. It is not stored on this device.',
    'login.failed': 'Login failed', logout: 'Log out', lang: 'Nederlands', loading: 'Loading…',
    'view.mijnzaken': 'My cases', 'view.mijnweek': 'My week',
    'week.intro': 'Meetings, deadlines and reviews of the cases you lead, from {from} through {to}; overdue deadlines first.',
    'week.when': 'When', 'week.what': 'What', 'week.meeting': 'Case meeting', 'week.evaluation': 'Evaluation meeting',
    'week.review': 'Review', 'week.deadline': 'Deadline', 'week.meeting.what': 'the meeting with the partners',
    'no.week': 'Nothing planned this week.', 'view.triage': 'New reports', 'view.signalen': 'Alerts', 'view.feed': 'Live',
    'view.onzezaken': 'Our cases', 'view.taken': 'Open items', 'view.cijfers': 'Figures', 'view.zaken': 'Cases',
    'view.escalaties': 'Escalations', 'view.beheer': 'Administration', 'view.audit': 'Processing log',
    case: 'Case', cases: 'Cases', state: 'State', route: 'Route', deadline: 'Next deadline', stagnations: 'Stagnations',
    urgency: 'Urgency', target_group: 'Target group', updated: 'Updated', none: '— not recorded', empty: 'none', yes: 'yes', no: 'no',
    withheld: 'withheld (no access)', erased: 'erased', 'no.cases': 'No cases.', 'no.alerts': 'No alerts.',
    'no.events': 'No events yet.', take: 'Take it', ack: 'Acknowledge', acked: 'handled', resolved: 'resolved', open: 'open',
    timeline: 'Timeline', steps: 'Steps possible now', 'no.steps': 'No step possible in this state for your role.',
    escalation: 'Escalation', details: 'Details', participants: 'Participants', plan: 'Plan', perspectives: 'The client\'s voice', deadlines: 'Deadlines', requests: 'Information requests',
    persons: 'Persons', person: 'Person', 'person.role': 'Role in the case', 'person.minor': 'Minor', 'minor.unknown': 'unknown (or no access)',
    wishes: 'Wishes (in their own words)', 'no.perspectives': 'No perspective recorded yet.', meeting: 'Case meeting',
    subject: 'Subject', submit: 'Submit', done: 'Done', 'add.row': 'Add row', wd: 'working days', overdue: 'overdue',
    alert: 'Alert', since: 'Since', kind: 'Kind', norm: 'Norm', 'chart.states': 'Cases per state',
    'chart.routes': 'Open cases per route', 'chart.lead': 'Lead time per step (median, days)',
    'chart.stag': 'Open stagnations and escalations', 'chart.overdue': 'Overdue per organisation (actions and information requests)',
    'no.overdue': 'No organisation is overdue.', 'esc.open': 'Escalations awaiting a decision', actors: 'Actors',
    'audit.trail': 'Processing log', 'live.feed': 'Events, live', dossier: 'Dossier', due: 'Due', org: 'Organisation',
    action: 'Action', question: 'Question', 'my.open': 'Open actions and questions of my organisation',
    'err.bad_request': 'The request is not valid', 'err.unknown_op': 'Unknown operation', 'err.unauthorized': 'Not logged in',
    'err.forbidden': 'Your role may not do this', 'err.not_found': 'Not found (or no access)',
    'err.invalid_transition': 'Not possible in this state', 'err.guard_failed': 'Condition not met',
    'err.version_conflict': 'The case changed meanwhile; refresh and retry', 'err.storage_error': 'Storage error; retry',
    'err.overloaded': 'Too busy; retry shortly', 'err.network': 'No connection to the server', 'err.other': 'Something went wrong',
    'esc.mine': 'Escalations that reached you', 'esc.waiting': 'awaiting a decision', 'no.esc': 'No escalations.',
    'esc.none': 'no open escalation',
    'dossier.intro': 'The escalation dossier: where the case is stuck and what was decided so far. No personal data and no free text of the case.',
    stuck: 'Where it is stuck', 'stuck.what': 'What was to happen', 'stuck.none': 'Nothing is stuck any more.',
    owes: 'Who owes what', 'owes.action': 'action', 'owes.request': 'information request', item: 'Item',
    'overdue.since': 'Overdue since', ladder: 'The ladder so far', step: 'Step', level: 'Level', by: 'By',
    alerted: 'Alerted', 'audit.n': 'No.', 'audit.at': 'Time', 'audit.actor': 'Actor', 'audit.role': 'Role',
    'audit.purpose': 'Purpose', 'audit.refused': 'Refused', 'audit.all': '(all)', 'audit.from': 'From (date)', 'audit.to': 'Through (date)',
    'audit.filter': 'Filter the processing log', 'audit.apply': 'Filter', 'audit.clear': 'Clear all filters',
    'audit.count': '{n} processings, newest first.', 'audit.more': 'Only the oldest 10,000 were read.',
    'no.audit': 'No processing matches the filters.', table: 'As a table', 'open.alerts': 'open alerts',
    'list.hint': 'e.g. police, ggz', 'map.hint': 'name = value, one per line', 'max.chars': 'max. N characters',
    'date.time': 'date and time', skip: 'Skip to content', menu: 'Main menu', 'server.says': "the server's explanation",
  },
};
const names = {
  nl: {
    reported: 'gemeld', intake: 'intake', referred: 'doorverwezen', analysis: 'analyse', meeting: 'casusoverleg',
    planning: 'plan van aanpak', execution: 'uitvoering', closed: 'afgesloten', archived: 'gearchiveerd',
    direct_safety: 'directe veiligheid', stable_safety: 'stabiele veiligheid', recovery: 'herstel',
    monitoring: 'monitoring', request: 'verzoek', decided: 'besloten', default: 'standaard', 're-entry': 're-entry',
    'subject-request': 'AVG-verzoek', mda: 'MDA++', levensloop: 'Levensloop', procesregisseur: 'procesregisseur',
    partner: 'partner', manager: 'manager', admin: 'beheerder', stagnation: 'stagnatie', escalation: 'escalatie',
    partner_manager: 'partnermanager', bestuur: 'bestuur', auditor: 'auditor', asked: 'informatie gevraagd',
    ended: 'beëindigd', urgent: 'urgent', acute: 'acuut', withdrawn: 'ingetrokken', deceased: 'overleden',
    moved: 'verhuisd', detained: 'gedetineerd', other: 'anders',
    overdue: 'termijn verlopen', high: 'hoog', normal: 'normaal', low: 'laag', ordinary: 'gewoon',
    special: 'bijzonder (gezondheid)', criminal: 'strafrechtelijk', secret: 'beroepsgeheim',
    verward_gedrag: 'verward gedrag', radicalisering: 'radicalisering', huiselijk_geweld: 'huiselijk geweld',
    nazorg_ex_gedetineerden: 'nazorg ex-gedetineerden', multi_probleem_gezin: 'multiprobleemgezin',
    jeugd_criminaliteit: 'jeugdcriminaliteit', ondermijning: 'ondermijning', zorgmijding: 'zorgmijding', overig: 'overig',
  },
  en: {},
};
// Dutch names of operations (the rest: the operation's own name).
const ops = {
  nl: {
    'case.assign': 'Toewijzen', 'intake.start': 'Intake starten', 'intake.decide': 'Intakebesluit',
    'intake.more_info': 'Meer informatie vragen', 'partner.join': 'Partner laten aansluiten',
    'info.request': 'Informatie vragen', 'info.provide': 'Informatie geven', 'meeting.schedule': 'Casusoverleg plannen',
    'meeting.hold': 'Casusoverleg vastleggen', 'plan.propose': 'Plan voorstellen', 'plan.agree': 'Plan instemmen',
    'action.complete': 'Actie afronden', 'item.release': 'Item vrijgeven', 'review.hold': 'Evaluatie vastleggen',
    'case.escalate': 'Opschalen', 'escalation.resolve': 'Escalatie besluiten', 'case.close': 'Zaak afsluiten',
    'aftercare.check': 'Nazorgcheck', 'case.reopen': 'Heropenen', 'case.erase': 'Wissen',
    'subject.correct': 'Gegevens corrigeren', 'case.unrestrict': 'Beperking opheffen', 'phase.advance': 'Volgende fase',
    'phase.relapse': 'Terugval', 'actor.create': 'Actor aanmaken', 'actor.revoke': 'Actor intrekken',
    'case.report': 'Zaak melden', 'case.end': 'Zaak beëindigen', 'meeting.reschedule': 'Casusoverleg verzetten',
    'escalation.dossier': 'Escalatiedossier', 'alert.ack': 'Signaal afhandelen', 'actor.rotate': 'Nieuwe sleutel',
    'person.add': 'Persoon toevoegen', 'person.remove': 'Persoon verwijderen', 'person.share': 'Persoon delen',
    'person.erase': 'Persoon wissen', 'client.perspective': 'Perspectief van de cliënt',
  },
  en: {},
};
const fields = {
  nl: {
    procesregisseur: 'Procesregisseur', admit: 'Toelaten', reason: 'Reden', referred_to: 'Doorverwezen naar',
    advice: 'Advies', criteria: 'Criteria', provider: 'Aanbieder', casusregisseur: 'Casusregisseur', question: 'Vraag',
    due: 'Uiterlijk', org: 'Organisatie', request: 'Verzoek', answer: 'Antwoord', class: 'Rubricering', at: 'Tijdstip',
    orgs: 'Organisaties', attendees: 'Aanwezigen', conclusions: 'Conclusies', goals: 'Doelen', actions: 'Acties',
    id: 'Kenmerk', owner_org: 'Eigenaar (organisatie)', description: 'Omschrijving', action: 'Actie', result: 'Resultaat',
    notes: 'Notities', seq: 'Positie', level: 'Niveau', decision: 'Besluit', handover: 'Overdracht', outcome: 'Uitkomst',
    ground: 'Grond', role: 'Rol', zvh: 'Regio', covenants: 'Convenanten', summary: 'Samenvatting', urgency: 'Urgentie',
    target_group: 'Doelgroep', informed: 'Betrokkene geïnformeerd', exemption: 'Reden niet geïnformeerd', route: 'Route',
    release_date: 'Datum vrijlating', subject: 'Betrokkene', relapses: 'Terugvallen', erased: 'Gewist',
    state: 'Status', version: 'Versie', reporter_org: 'Gemeld door', created_at: 'Gemeld op',
    updated_at: 'Bijgewerkt op', state_since: 'In deze status sinds', withheld: 'Achtergehouden', norm: 'Norm',
    item: 'Onderdeel', since: 'Sinds', name: 'Naam', birth_date: 'Geboortedatum', bsn: 'BSN', level: 'Niveau',
    n: 'Nr.', kind: 'Soort', alert: 'Signaal', acked: 'Afgehandeld', type: 'Soort', owner: 'Eigenaar',
    done: 'Gedaan', answered: 'Beantwoord', open: 'Open', orgs_released: 'Vrijgegeven aan', new_due: 'Nieuwe termijn',
    persons: 'Personen', person: 'Persoon', wishes: 'Wensen', explanation: 'Toelichting', to_region: 'Naar regio',
  },
  en: {},
};

let lang = window.localStorage.getItem('regie.lang') || 'nl';
export function getLang() { return lang; }
export function setLang(l) { lang = l; window.localStorage.setItem('regie.lang', l); document.documentElement.lang = l; }
// Pages that bring their own words (whatif.js) add them here.
export function addWords(l, words) { Object.assign(dict[l], words); }
export function t(k) { return (dict[lang] && dict[lang][k]) || dict.nl[k] || k; }
export function name(w) { return w == null ? '' : ((names[lang] && names[lang][w]) || w.replace(/_/g, ' ')); }
export function opName(op) { return (ops[lang] && ops[lang][op]) || op; }
export function fieldName(f) { return (fields[lang] && fields[lang][f]) || f.replace(/_/g, ' '); }

const fmt = {};
export function when(ms) {
  if (ms == null) return t('none');
  const key = lang;
  fmt[key] = fmt[key] || new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB',
    { timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  return fmt[key].format(new Date(ms));
}

// A date without its time, in Europe/Amsterdam ("23 november 2026").
const dayFmt = {};
export function day(ms) {
  dayFmt[lang] = dayFmt[lang] || new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB',
    { timeZone: 'Europe/Amsterdam', day: 'numeric', month: 'long', year: 'numeric' });
  return dayFmt[lang].format(new Date(ms));
}

// The start of ms's day in Europe/Amsterdam, whatever the browser's own
// zone: that day's midnight, corrected by the zone's offset at that time.
const partsFmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hourCycle: 'h23',
  year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
function wall(ms) {
  const p = Object.fromEntries(partsFmt.formatToParts(new Date(ms)).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}
export function dayStart(ms) {
  const w = wall(ms), midnight = w - (w % 864e5);
  const guess = midnight - (w - ms);            // the offset at ms
  return guess - (wall(guess) - midnight);      // the offset at midnight (a DST day)
}

// Working days from now to ms (Monday to Friday; the engine's own calendar
// also knows the holidays, this is the reader's indication).
export function workdaysUntil(ms, now = Date.now()) {
  const sign = ms >= now ? 1 : -1;
  let a = new Date(Math.min(ms, now)), b = new Date(Math.max(ms, now)), n = 0;
  a.setHours(0, 0, 0, 0); b.setHours(0, 0, 0, 0);
  while (a < b) { a.setDate(a.getDate() + 1); const d = a.getDay(); if (d !== 0 && d !== 6) n++; }
  return sign * n;
}
