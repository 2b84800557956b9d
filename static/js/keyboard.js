// The page's keyboard shortcuts (listed in the help dialog). Keys typed into a field, a
// dialog or with a modifier are left alone.
export function wireKeyboard({ playback, state, openHelp }) {
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.closest?.("input, select, textarea, dialog, [contenteditable]")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const onButton = target.closest?.("button");
    if (event.key === "ArrowRight") playback.stepTo(state.step + 1);
    else if (event.key === "ArrowLeft") playback.stepTo(state.step - 1);
    else if (event.key === "Home") playback.stepTo(1);
    else if (event.key === " " && !onButton) playback.toggle();
    else if (event.key === "?") openHelp();
    else return;
    event.preventDefault();
  });
}
