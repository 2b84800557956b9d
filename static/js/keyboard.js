// The page's keyboard shortcuts (listed in the help dialog). Keys typed into a field, a
// dialog or with a modifier are left alone; blocked() says (and shows why) when the page
// follows a live class and its keys may not move it.
export function wireKeyboard({ playback, state, openHelp, blocked = () => false }) {
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.closest?.("input, select, textarea, dialog, [contenteditable]")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const onButton = target.closest?.("button");
    const moves = ["ArrowRight", "ArrowLeft", "Home", "End"].includes(event.key) || (event.key === " " && !onButton);
    if (moves && blocked()) return event.preventDefault();
    if (event.key === "ArrowRight") playback.stepTo(state.step + 1);
    else if (event.key === "ArrowLeft") playback.stepTo(state.step - 1);
    else if (event.key === "Home") playback.stepTo(1);
    else if (event.key === "End") playback.stepTo(state.tape.length);
    else if (event.key === " " && !onButton) playback.toggle();
    else if (event.key === "?") openHelp();
    else return;
    event.preventDefault();
  });
}
