// Texts only the Slack channel shows: truncation notes, modal chrome, App Home
// and the ephemeral errors for requests the core never sees.
export const en = {
  "slack.more": "…and {count} more",
  "slack.moreChoices": "…and {count} more choices not shown here",
  "slack.inputShortened": "Slack shows only the first {max} characters of this text; saving here keeps only those.",
  "slack.modal.close": "Close",
  "slack.tooLarge": "This action carries too much data for Slack. Please use the web chat or Teams, or shorten the text.",
  "slack.badValue": "I could not read that button. The message may be outdated; try `/samordna help`.",
  "slack.badRequest": "I could not read that request. Try `/samordna help`.",
  "slack.noTrigger": "Slack did not let me open the form. Please try again.",
  "slack.home.title": "Samordna",
  "slack.home.needs": "Your needs",
  "slack.home.noNeeds": "You have not reported any needs yet.",
  "slack.home.requests": "Status requests waiting for you",
  "slack.home.request": "{label}: due {due}",
  "slack.home.requestsHint": "Answer with `/samordna status`.",
  "slack.home.triage": "Triage queue: {count} needs waiting for a decision",
  "slack.home.triageHint": "Decide with `/samordna triage`.",
};

export const sv: Record<keyof typeof en, string> = {
  "slack.more": "…och {count} till",
  "slack.moreChoices": "…och {count} val till som inte visas här",
  "slack.inputShortened": "Slack visar bara de första {max} tecknen av texten; sparar du här behålls bara de.",
  "slack.modal.close": "Stäng",
  "slack.tooLarge": "Den här åtgärden bär för mycket data för Slack. Använd webbchatten eller Teams, eller korta texten.",
  "slack.badValue": "Jag kunde inte läsa den knappen. Meddelandet kan vara inaktuellt; prova `/samordna help`.",
  "slack.badRequest": "Jag kunde inte läsa den begäran. Prova `/samordna help`.",
  "slack.noTrigger": "Slack lät mig inte öppna formuläret. Försök igen.",
  "slack.home.title": "Samordna",
  "slack.home.needs": "Dina behov",
  "slack.home.noNeeds": "Du har inte rapporterat några behov än.",
  "slack.home.requests": "Statusförfrågningar som väntar på dig",
  "slack.home.request": "{label}: senast {due}",
  "slack.home.requestsHint": "Svara med `/samordna status`.",
  "slack.home.triage": "Triagekö: {count} behov väntar på beslut",
  "slack.home.triageHint": "Ta beslut med `/samordna triage`.",
};
