"""The planner's window: PySide6 + pyqtgraph front end over the headless core.

Only this package imports Qt.  Data flows one way: a widget calls a setter (usually through an
undo command) on the single :class:`~siteselect.ui.planner.Planner`, the planner emits a
past-tense signal, and every widget redraws from the planner.  No widget reads another widget.

Modules
-------
planner       the one planner object (dataset, settings, result, selection, colour-by)
commands      undoable edits of the settings (QUndoCommand), slider drags merged per drag
map_geometry  projected state outlines: the shipped derived layout (data/states-layout.npz),
              else built from the GeoPandas layer and cached on disk
map_canvas    the choropleth map (one path item per state, recoloured by brushes only)
legend        the colour-bar legend beside the map
weights_panel weights, method, normalisation, missing data, gates and exclusions
ranking_table the ranking table model, proxy and view
detail_panel  the selected state's bars, values and sources
dialogs       About, Data Sources and error dialogs
errors        the global exception hooks
extensions    installer functions that add menus, docks and close-guards to the window
main_window   the main window that composes all of the above
app           QApplication set-up and the ``run()`` entry point
snapshot      render the window to a PNG without a screen
"""
