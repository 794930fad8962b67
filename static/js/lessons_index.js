/** The lessons list (/lessons): the page skeleton (link, language, share, presentation) and the
 * class link to the list. */

import { wireClassLink } from "./lesson_class_link.js";
import { bootPage, markReady } from "./page.js";

const { data } = bootPage({ state: () => ({}), link: (s, d) => `lang=${d.lang}` });
wireClassLink(() => new URL(`/lessons?lang=${data.lang}`, location.href).href,
  { intro: "lessons.class_link_list_intro", label: "lessons.class_link_list" });
markReady();
