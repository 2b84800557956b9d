// Written into the page right after <body>, before anything is painted: a link in projector
// mode (#mode=projector, the key state.js reads) is drawn in projector mode from its first
// frame, not in the ordinary layout first and then enlarged when the modules have run.
if (new URLSearchParams(location.hash.slice(1)).get("mode") === "projector") document.body.classList.add("projector");
