// Swift Testing suites for KoriumCLI. One file per area; vectors are loaded from Vectors/.
