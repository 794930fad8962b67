/** The lessons list (/lessons): the page skeleton only (link, language, share, presentation). */

import { bootPage, markReady } from "./page.js";

bootPage({ state: () => ({}), link: (s, d) => `lang=${d.lang}` });
markReady();
