import GuichetApp
