// A small table of words the people of a city administration use for the same
// thing, in Swedish and English; each row is one concept, so a Swedish word
// and its English twin meet too. Only single words (a stem maps onto the
// concept). Kept short on purpose and written from the tuning half of
// bench/data only (even ids), so the held-out half shows what it is worth on
// needs it has not seen (docs/PERFORMANCE.md).
export interface SynonymRow {
  concept: string;
  sv: string[];
  en: string[];
}

export const SYNONYM_TABLE: SynonymRow[] = [
  { concept: "preschool", sv: ["förskola", "förskolan", "förskolor", "förskolorna", "dagis"], en: ["preschool", "preschools", "nursery", "nurseries", "kindergarten"] },
  { concept: "lonely", sv: ["ensamhet", "ensam", "ensamma", "isolering", "isolerad", "isolerade"], en: ["loneliness", "lonely", "isolation", "isolated"] },
  { concept: "carehome", sv: ["äldreboende", "äldreboenden", "vårdboende", "omsorgsboende"], en: ["carehome", "nursing"] },
  { concept: "fall", sv: ["fallolycka", "fallolyckor", "fall", "ramla", "ramlar", "trilla", "trillar"], en: ["fall", "falls", "trip", "trips"] },
  { concept: "heating", sv: ["uppvärmning", "uppvärmd", "uppvärmda", "värme", "värmen", "värms"], en: ["heating", "heated", "heat"] },
  { concept: "bin", sv: ["sopkärl", "kärl", "soptunna", "soptunnor", "behållare", "papperskorg", "papperskorgar"], en: ["bin", "bins", "container", "containers"] },
  { concept: "meal", sv: ["mat", "maten", "måltid", "måltider"], en: ["food", "meal", "meals"] },
  { concept: "relatives", sv: ["anhörig", "anhöriga", "släkting", "släktingar"], en: ["relative", "relatives", "family", "families"] },
  { concept: "foodwaste", sv: ["matavfall", "matavfallet", "matrester", "matrest"], en: ["scraps"] },
  { concept: "airquality", sv: ["luftkvalitet", "luftkvaliteten", "luftförorening", "luftföroreningar"], en: ["pollution"] },
  { concept: "queue", sv: ["kö", "köer", "kön", "väntetid", "väntelista"], en: ["queue", "queues"] },
  { concept: "homeless", sv: ["hemlös", "hemlösa", "hemlöshet", "bostadslös", "bostadslösa"], en: ["homeless", "homelessness"] },
  { concept: "noise", sv: ["buller", "bullret", "trafikbuller", "bullerskydd", "ljudnivå"], en: ["noise"] },
  { concept: "youth", sv: ["ungdom", "ungdomar", "tonåring", "tonåringar"], en: ["youth", "teenager", "teenagers"] },
  { concept: "greenery", sv: ["grönska", "grönt", "grönområde", "plantering", "planteringar"], en: ["greenery", "green", "planting"] },
  { concept: "classroom", sv: ["klassrum", "klassrummen", "skolsal", "skolsalar", "lektionssal"], en: ["classroom", "classrooms"] },
  { concept: "welfare", sv: ["försörjningsstöd", "bistånd", "socialbidrag"], en: ["benefit", "benefits", "welfare"] },
  { concept: "premises", sv: ["lokal", "lokaler", "lokalerna"], en: ["premises", "venue", "venues", "hall", "halls"] },
  { concept: "schoolyard", sv: ["skolgård", "skolgården", "skolgårdar"], en: ["schoolyard", "schoolyards"] },
  { concept: "violence", sv: ["våld", "partnervåld"], en: ["violence", "abuse"] },
  { concept: "flat", sv: ["lägenhet", "lägenheter", "flerfamiljshus", "flerbostadshus", "hyreshus"], en: ["flat", "flats", "apartment", "apartments"] },
  { concept: "fault", sv: ["fel", "felanmälan", "felanmälningar"], en: ["fault", "faults", "defect", "defects"] },
];
