// Organisation set-up in chat (admins), notifications about it, and "who am I" / settings.
export const en = {
  "notify.title": "Samordna",
  "org.notify.requestClosed":
    "Work package {code} ({name}) is no longer active, so its status request for {period} is closed. You do not need to answer it.",
};

export const sv: Record<keyof typeof en, string> = {
  "notify.title": "Samordna",
  "org.notify.requestClosed":
    "Arbetspaket {code} ({name}) är inte längre aktivt, så statusförfrågan för {period} är stängd. Du behöver inte svara på den.",
};
