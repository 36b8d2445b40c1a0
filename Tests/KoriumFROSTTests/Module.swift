// Swift Testing suites for KoriumFROST. One file per area; vectors are loaded from Vectors/.
