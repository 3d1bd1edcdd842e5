// Texts only the Teams channel shows (short answers to card clicks).
export const en = {
  "teams.action.answered": "Answered below.",
  "teams.action.duplicate": "That click was already handled.",
  "teams.action.invalid": "That card action could not be read. Say **help** to start again.",
};

export const sv: Record<keyof typeof en, string> = {
  "teams.action.answered": "Svaret finns nedan.",
  "teams.action.duplicate": "Det klicket är redan hanterat.",
  "teams.action.invalid": "Kortets åtgärd gick inte att läsa. Skriv **hjälp** för att börja om.",
};
