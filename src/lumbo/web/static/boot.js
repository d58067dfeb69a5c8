/* Marks the page as scripted before it is drawn (CSS hides no-script fallbacks with .js). */
document.documentElement.classList.add("js");
